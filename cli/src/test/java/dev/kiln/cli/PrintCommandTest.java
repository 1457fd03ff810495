package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kiln print, and .onnxtxt files given to the other commands. */
class PrintCommandTest {
    private static final Path ORACLE = Path.of("..", "compiler", "src", "test", "resources", "onnxtxt-oracle");

    @TempDir
    Path tmp;

    @Test
    void printsAModelWithLargeTensorsElided() {
        Cli.Result r = Cli.run("print", Cli.fixture("lowformer_tiny_op17_176.onnx").toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().startsWith("<\n  ir_version: 8,\n  opset_import: [\"\" : 17],\n  producer_name: \"pytorch\""),
                r.out());
        assertTrue(r.out().contains("float[1000, 48] \"head.fc2.weight\" = [\"kiln.elided\": \"48000 values\"]"), r.out());
        assertTrue(r.out().contains("[\"/stem/stem.1/HardSwish\"] \"/stem/stem.1/HardSwish_output_0\" = HardSwish("),
                r.out());
    }

    @Test
    void theElidedTextIsRefusedAndTheWholeTextVerifies() throws Exception {
        Path model = ORACLE.resolve("initializers.onnx");
        Path elided = Files.writeString(tmp.resolve("elided.onnxtxt"), Cli.run("print", model.toString()).out()
                .replace("{1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, -3.5}", "[\"kiln.elided\": \"9 values\"]"));
        Cli.Result compile = Cli.run("compile", elided.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(1, compile.exitCode(), compile.toString());
        CompileCommandTest.assertOneErrorLine(compile);
        assertTrue(compile.err().contains("tensor 'w': its values were left out") && compile.err().contains("--weights"),
                compile.err());

        Cli.Result whole = Cli.run("print", model.toString(), "--weights");
        Path text = Files.writeString(tmp.resolve("whole.onnxtxt"), whole.out());
        Cli.Result verify = Cli.run("verify", text.toString(), "--json");
        assertEquals(0, verify.exitCode(), verify.toString());
        assertEquals(true, MiniJson.object(verify.out()).get("passed"));
        Cli.Result inspect = Cli.run("inspect", text.toString(), "--json");
        assertEquals(Map.of("ai.onnx", 17.0), MiniJson.object(inspect.out()).get("opsets"));
        assertEquals(whole.out(), Cli.run("print", text.toString(), "--weights").out());
    }

    @Test
    void aMistakeInATextModelIsOneLineWithItsPosition() throws Exception {
        Path bad = Files.writeString(tmp.resolve("bad.onnxtxt"),
                "<ir_version: 8, opset_import: [\"\" : 17]>\ng (float[2] x) => (float[2] y) {\n  y = Relu(x\n}\n");
        Cli.Result r = Cli.run("print", bad.toString());
        assertEquals(1, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
        assertTrue(r.err().contains("bad.onnxtxt: line 4, column 1: expected ')', found '}' (in a node)"), r.err());
    }
}
