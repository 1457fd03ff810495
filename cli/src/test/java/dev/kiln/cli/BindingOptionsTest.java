package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.TensorProtos;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --const from both file formats and --shape, checked with kiln run against the node tests' expected outputs. */
class BindingOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void constantFromATensorProtoFile() {
        // Reshape's shape input must be known at compile time: bound from the test's own input_1.pb.
        Path test = Cli.NODE_TESTS.resolve("test_reshape_reordered_all_dims");
        Path data = test.resolve("test_data_set_0");
        Path input = rawCopy(data.resolve("input_0.pb"), "data.bin");
        Path out = tmp.resolve("out.bin");
        Cli.Result r = Cli.run("run", test.resolve("model.onnx").toString(), "--const",
                "shape=" + data.resolve("input_1.pb"), "--input", input.toString(), "--output", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(TensorProtos.read(data.resolve("output_0.pb")).floats(), Cli.readFloats(out));
    }

    @Test
    void constantFromARawFloatFileWithItsShape() {
        Path test = Cli.NODE_TESTS.resolve("test_add");
        Path data = test.resolve("test_data_set_0");
        Tensor y = TensorProtos.read(data.resolve("input_1.pb"));
        Path x = rawCopy(data.resolve("input_0.pb"), "x.bin");
        Path yRaw = rawCopy(data.resolve("input_1.pb"), "y.bin");
        Path out = tmp.resolve("out.bin");
        String shape = String.join("x", java.util.Arrays.stream(y.type().dims()).mapToObj(Long::toString).toList());
        Cli.Result r = Cli.run("run", test.resolve("model.onnx").toString(), "--const", "y=" + yRaw,
                "--shape", "y=" + shape, "--input", x.toString(), "--output", out.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertArrayEquals(TensorProtos.read(data.resolve("output_0.pb")).floats(), Cli.readFloats(out), 1e-6f);
    }

    @Test
    void anInputTheModelDoesNotHaveIsNamedWithTheInputsItHas() {
        Path test = Cli.NODE_TESTS.resolve("test_add");
        Cli.Result r = Cli.run("compile", test.resolve("model.onnx").toString(), "-o", tmp.toString(),
                "--shape", "z=3x4x5");
        assertEquals(1, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
        assertTrue(r.err().contains("no input named 'z' (inputs: x, y)"), r.err());
    }

    private Path rawCopy(Path pb, String name) {
        Path raw = tmp.resolve(name);
        RawFloats.write(raw, TensorProtos.read(pb).floats());
        return raw;
    }
}
