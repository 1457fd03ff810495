package dev.kiln.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading model files: malformed input, size limits, old IR versions. External data: {@link ExternalDataTest}. */
class OnnxImporterTest {
    @TempDir
    Path dir;

    private static OnnxModelBuilder small() {
        return new OnnxModelBuilder(13).input("x", 1, 4)
                .initializer("w", new float[] {1, 2, 3, 4}, 1, 4)
                .node("Mul", "x,w", "y").output("y");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private static String error(Path file) {
        return assertThrows(CompileException.class, () -> OnnxImporter.read(file)).getMessage();
    }

    @Test
    void readsAModelAndItsHash() throws Exception {
        byte[] bytes = small().bytes();
        Model m = OnnxImporter.read(write("m.onnx", bytes));
        assertEquals("m.onnx", m.sourceName());
        assertEquals(HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)), m.sha256());
        assertEquals(Map.of("", 13), m.opsets());
        assertEquals("kiln-test", m.producer());
        assertEquals(Map.of("Mul", 1), m.graph().opHistogram());
        assertEquals("float[1,4]", m.inputs().get(0).toString());
    }

    @Test
    void truncatedFile() throws IOException {
        byte[] bytes = small().bytes();
        Path file = write("cut.onnx", Arrays.copyOf(bytes, bytes.length - 7));
        String m = error(file);
        assertTrue(m.startsWith(file + ": not an ONNX model (the protobuf data is truncated or malformed"), m);
    }

    @Test
    void errorsNameTheFileByAPathThatFindsItNotByItsBaseName() throws IOException {
        // Below the working directory: relative to it (every node test is called model.onnx).
        Path below = Files.createDirectories(Path.of("target", "importer-test", "test_relu")).resolve("model.onnx");
        byte[] bytes = small().bytes();
        Files.write(below, Arrays.copyOf(bytes, bytes.length - 7));
        String m = error(below.toAbsolutePath());
        assertTrue(m.startsWith(Path.of("target", "importer-test", "test_relu", "model.onnx")
                + ": not an ONNX model (the protobuf data is truncated or malformed"), m);
        // Elsewhere: absolute. Compile errors after the import name the file the same way.
        Path elsewhere = write("model.onnx", small().bytes());
        Model model = OnnxImporter.read(elsewhere);
        String compileError = assertThrows(CompileException.class, () -> Compilation.of(model,
                CompileOptions.defaults().withBindings(new InputBindings().dim("b", 1)))).getMessage();
        assertEquals(elsewhere.toAbsolutePath() + ": --dim b=1: no input has a dimension named 'b'"
                + " (the inputs have no symbolic dimensions)", compileError);
    }

    @Test
    void bytesThatAreNotOnnx() throws IOException {
        for (byte[] junk : List.of("hello, world\n".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13}, new byte[0])) {
            String m = error(write("junk.onnx", junk));
            assertTrue(m.contains("junk.onnx: ") && m.contains("not an ONNX model"), m);
        }
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.onnx");
        assertEquals(file + ": no such file", error(file));
    }

    /** Protobuf refuses messages over 64 MB unless the limit is raised, as the importer does. */
    @Test
    void modelLargerThan64MegabytesIsRead() throws IOException {
        int n = 17 << 20; // 68 MB of floats
        float[] big = new float[n];
        big[0] = 1.5f;
        big[n - 1] = -2.5f;
        byte[] bytes = new OnnxModelBuilder(13).input("x", n).initializer("w", big, n)
                .node("Mul", "x,w", "y").output("y").bytes();
        assertTrue(bytes.length > 64 << 20);
        Model m = OnnxImporter.read(write("big.onnx", bytes));
        Tensor w = m.graph().nodes().get(0).input(1).constant();
        assertEquals(1.5f, w.floats()[0]);
        assertEquals(-2.5f, w.floats()[n - 1]);
    }

    /** IR version 3 lists initializers among the graph inputs; they stay constants. */
    @Test
    void irVersion3WithInitializersListedAsInputs() {
        OnnxModelBuilder m = new OnnxModelBuilder(8).irVersion(3).input("x", 1, 4).input("w", 1, 4)
                .initializer("w", new float[] {1, -2, 3, -4}, 1, 4)
                .node("Mul", "x,w", "p").node("Relu", "p", "y").output("y");
        Model model = PassHarness.importModel(m.build());
        assertEquals(3, model.irVersion());
        assertEquals(1, model.graph().inputs().size());
        Node mul = model.graph().nodes().get(0);
        assertTrue(mul.input(1).isConstant());
        PassHarness.run(m, new InputBindings()).assertMatchesOnnxRuntime(0);
    }

    @Test
    void irVersionBelow3IsRefused() {
        ModelProto old = small().irVersion(2).build();
        CompileException e = assertThrows(CompileException.class, () -> PassHarness.importModel(old));
        assertEquals("IR version 2 is too old; Kiln reads IR version 3 and newer", e.getMessage());
    }

    @Test
    void modelWithoutAnOnnxOpset() {
        ModelProto m = small().build().toBuilder().clearOpsetImport().build();
        assertEquals("the model imports no ai.onnx opset",
                assertThrows(CompileException.class, () -> PassHarness.importModel(m)).getMessage());
    }

    @Test
    void danglingAndDuplicateNames() {
        OnnxModelBuilder reads = new OnnxModelBuilder(13).input("x", 2).node("Relu", "nothing", "y").output("y");
        assertEquals("Relu node 'Relu_0' reads 'nothing', which nothing defines before it",
                assertThrows(CompileException.class, () -> PassHarness.importModel(reads.build())).getMessage());
        OnnxModelBuilder twice = new OnnxModelBuilder(13).input("x", 2).node("Relu", "x", "y").node("Relu", "x", "y")
                .output("y");
        assertEquals("Relu node 'Relu_1' writes 'y', which is already defined",
                assertThrows(CompileException.class, () -> PassHarness.importModel(twice.build())).getMessage());
        OnnxModelBuilder noOutput = new OnnxModelBuilder(13).input("x", 2).node("Relu", "x", "y").output("z");
        assertEquals("graph output 'z' is not computed by any node",
                assertThrows(CompileException.class, () -> PassHarness.importModel(noOutput.build())).getMessage());
    }

    @Test
    void symbolicAndUnknownDimensionsAreKept() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", "batch", 3, "").node("Relu", "x", "y").output("y");
        Model model = PassHarness.importModel(m.build());
        assertEquals("float[batch,3,?]", model.inputs().get(0).toString());
        assertArrayEquals(new Object[] {"batch", null, null},
                model.inputs().get(0).dims().stream().map(d -> d.symbol()).toArray());
    }

    @Test
    void aiOnnxDomainSpelledOutIsTheDefaultDomain() {
        ModelProto m = small().build().toBuilder().setOpsetImport(0,
                dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("ai.onnx").setVersion(13)).build();
        ModelProto withNodeDomain = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0,
                m.getGraph().getNode(0).toBuilder().setDomain("ai.onnx"))).build();
        Model model = PassHarness.importModel(withNodeDomain);
        assertEquals(13, model.onnxOpset());
        assertTrue(model.graph().nodes().get(0).is("Mul"));
    }

    @Test
    void unsupportedGraphFeaturesAreNamed() {
        OnnxModelBuilder sparse = small();
        sparse.graph().addSparseInitializer(dev.kiln.compiler.onnx.proto.OnnxMl.SparseTensorProto.newBuilder()
                .setValues(OnnxModelBuilder.floatTensor("s", new float[] {1}, 1)).addDims(4));
        assertEquals("sparse initializers are not supported",
                assertThrows(CompileException.class, () -> PassHarness.importModel(sparse.build())).getMessage());
        OnnxModelBuilder unnamed = small();
        unnamed.graph().setInitializer(0, unnamed.graph().getInitializer(0).toBuilder().setName(""));
        assertEquals("an initializer has no name",
                assertThrows(CompileException.class, () -> PassHarness.importModel(unnamed.build())).getMessage());
        OnnxModelBuilder reference = small();
        reference.graph().setNode(0, reference.graph().getNode(0).toBuilder().addAttribute(
                OnnxModelBuilder.attr("alpha", 1f).toBuilder().setRefAttrName("outer")));
        assertEquals("Mul node 'Mul_0': attribute references (function bodies) are not supported",
                assertThrows(CompileException.class, () -> PassHarness.importModel(reference.build())).getMessage());
    }
}
