package dev.kiln.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.FileNames;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.IrPrinter;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.text.OnnxTextPrinter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .onnxtxt files through the importer's one path: the same checks and the same IR as .onnx files. */
class TextModelFileTest {
    private static final Path ORACLE = Path.of("src", "test", "resources", "onnxtxt-oracle");

    @TempDir
    Path tmp;

    @Test
    void aTextModelImportsToTheSameGraphAsItsProtobuf() throws Exception {
        Model text = OnnxImporter.read(ORACLE.resolve("initializers.onnxtxt"));
        Model binary = OnnxImporter.read(ORACLE.resolve("initializers.onnx"));
        assertEquals(IrPrinter.print(binary.graph()), IrPrinter.print(text.graph()));
        assertEquals(binary.inputs(), text.inputs());
        assertEquals("initializers.onnxtxt", text.sourceName());
        byte[] bytes = Files.readAllBytes(ORACLE.resolve("initializers.onnxtxt"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)), text.sha256());
    }

    @Test
    void compilationTakesATextModelFile() {
        Compilation c = Compilation.of(ORACLE.resolve("matmul_softmax.onnxtxt"), new InputBindings().dim("N", 2));
        assertEquals("[2,10]", c.model().graph().outputs().get(0).type().toString().replaceAll("^[a-z0-9]+", ""));
    }

    @Test
    void externalDataSitsBesideTheTextAndStaysInsideItsFolder() throws Exception {
        ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f);
        Files.write(tmp.resolve("w.bin"), w.array());
        Path model = Files.writeString(tmp.resolve("ext.onnxtxt"), """
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[2] x) => (float[2] y) <float[2] w = ["location" : "w.bin"]> { y = Mul(x, w) }
                """);
        assertArrayEquals(new float[] {1.5f, -2f},
                OnnxImporter.read(model).graph().nodes().get(0).input(1).constant().floats());
        Files.writeString(model, Files.readString(model).replace("w.bin", "../w.bin"));
        assertTrue(error(model).contains("external data location '../w.bin' is outside the model's directory"));
    }

    @Test
    void elidedWeightsAreRefusedWithTheWayToKeepThem() throws Exception {
        Path whole = Files.writeString(tmp.resolve("whole.onnxtxt"), """
                <ir_version: 8, opset_import: ["" : 17]>
                g (float[1, 17] x) => (float[1, 1] y) <float[17, 1] w = {%s}> { y = MatMul(x, w) }
                """.formatted("1.0, ".repeat(16) + "1.0"));
        String printed = OnnxTextPrinter.print(ModelFile.read(whole).proto(), false);
        assertTrue(printed.contains("float[17, 1] w = [\"kiln.elided\": \"17 values\"]"), printed);
        Path elided = Files.writeString(tmp.resolve("elided.onnxtxt"), printed);
        String m = error(elided);
        assertTrue(m.startsWith(FileNames.of(elided) + ": tensor 'w': its values were left out when the model was "
                + "printed (kiln print writes them with --weights)"), m);
    }

    @Test
    void textMistakesNameTheFileLineAndColumn() throws Exception {
        Path model = Files.writeString(tmp.resolve("bad.onnxtxt"), "<ir_version: 8, opset_import: [\"\" : 17]>\ng (x => (y) {}\n");
        assertEquals(model + ": line 2, column 6: expected ',' or ')', found '=>' (in the graph's inputs)", error(model));
        Path noHeader = Files.writeString(tmp.resolve("bare.onnxtxt"), "g (float x) => (float y) { y = Relu(x) }");
        assertEquals(noHeader + ": the model states no IR version: begin it with a header such as "
                + "<ir_version: 8, opset_import: [\"\" : 17]>", error(noHeader));
        Path latin1 = Files.write(tmp.resolve("latin1.onnxtxt"), new byte[] {'<', (byte) 0xE9, '>'});
        assertTrue(error(latin1).startsWith(latin1 + ": not UTF-8 text"), error(latin1));
    }

    private static String error(Path model) {
        return assertThrows(CompileException.class, () -> OnnxImporter.read(model)).getMessage();
    }
}
