package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.java.JavaBackend;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaKernels;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.target.TargetProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code kiln verify --all-layers} against ONNX Runtime: a correct model passes layer by layer, and a
 * model with one deliberately wrong kernel (a test-only back end) is caught at that kernel's node.
 */
class AllLayersTest {
    private static final Path MODEL = Cli.fixture("lowformer_tiny_op13.onnx");

    /**
     * A graph whose intermediate values are of several element types: int64 (a Cast of values in the
     * hundreds of thousands, and ArgMax), int32 and bool, besides float.
     */
    private static final String MIXED_TYPES = """
            <ir_version: 8, opset_import: ["" : 17]>
            mixed (float[2, 8] x) => (float[2, 8] y) {
                hundredThousand = Constant <value = float {100000}> ()
                zero = Constant <value = float {0}> ()
                [scale] big = Mul(x, hundredThousand)
                [to_int64] ints = Cast <to = 7> (big)
                [to_int32] small = Cast <to = 6> (x)
                [is_positive] positive = Greater(x, zero)
                [ints_to_float] back = Cast <to = 1> (ints)
                [small_to_float] smallf = Cast <to = 1> (small)
                [pick] picked = Where(positive, back, smallf)
                [top] index = ArgMax <axis = 1> (x)
                [top_to_float] indexf = Cast <to = 1> (index)
                [out] y = Add(picked, indexf)
            }
            """;

    /**
     * The scalar kernel of an op, except that for the node named {@code wrongNode} it adds
     * {@code error} (a Java literal) to the output's first element after doing its work: a kernel
     * with a bug.
     */
    private record WrongKernel(JavaKernel real, String wrongNode, String error) implements JavaKernel {
        @Override
        public String[] inputNames() {
            return real.inputNames();
        }

        @Override
        public String[] outputNames() {
            return real.outputNames();
        }

        @Override
        public long scratchFloats(Node node, TargetProfile profile) {
            return real.scratchFloats(node, profile);
        }

        @Override
        public void emit(KernelWriter w) {
            real.emit(w);
            if (w.node().name().equals(wrongNode)) {
                w.code().beginControlFlow("if (lo == 0)").addStatement("$L += $L", w.out(0).at(0), error).endControlFlow();
            }
        }
    }

    /** The java back end with {@code op}'s kernel wrong by {@code error} for one node. */
    private static JavaBackend withWrongKernel(String domain, String op, String node, String error) {
        JavaKernels scalar = JavaKernels.scalar();
        JavaKernel real = scalar.find(new Node(op, domain, "", 1, new Attributes(), List.of(), List.of()));
        return new JavaBackend("java", "java with a wrong " + op + " kernel", scalar.withKernel(domain, op,
                new WrongKernel(real, node, error)), null, List.of("--release", "8"), List.of());
    }

    /** {@code kiln verify --all-layers} of {@code model} on the debug build {@code backend} generates. */
    private static AllLayers.Result check(Path model, JavaBackend backend) {
        Model m = OnnxImporter.read(model);
        Map<String, AllLayers.OnnxNode> onnx = AllLayers.importedNodes(m.graph());
        Compilation c = Compilation.of(m, new CompileOptions(new InputBindings(), TargetProfile.DEFAULT, backend,
                Set.of(), (pass, graph) -> { }));
        GeneratedModel debug = backend.generate(c, GenerateOptions.defaults(model.getFileName().toString())
                .withInstrumented(true));
        return AllLayers.check(model, onnx, debug, ModelInputs.random(c.model().graph(), 0), Map.of(), 1e-4);
    }

    /** The node of op {@code op} in the middle of the compiled fixture's steps. */
    private static Node middle(String qualifiedOp) {
        List<Node> nodes = Compilation.of(MODEL, dev.kiln.codegen.KilnOptions.defaults().compileOptions()).plan()
                .kernels().stream().filter(n -> n.qualifiedOpType().equals(qualifiedOp)).toList();
        return nodes.get(nodes.size() / 2);
    }

    @ParameterizedTest
    @CsvSource({"dev.kiln, FusedConv", "'', MatMul"})
    void aWrongKernelIsNamedAsTheFirstNodeOverTheTolerance(String domain, String op) {
        Node wrong = middle(domain.isEmpty() ? op : domain + "." + op);
        AllLayers.Result r = check(MODEL, withWrongKernel(domain, op, wrong.name(), "0.5f"));
        AllLayers.Layer first = r.firstFailure();
        assertNotNull(first, "the wrong kernel is caught");
        String label = wrong.qualifiedOpType() + " '" + wrong.name() + "'";
        assertEquals(label, first.node());
        assertEquals(wrong.origins().get(wrong.origins().size() - 1), first.onnxNode(), "its last ONNX node");
        assertEquals(0.5, first.comparison().maxAbsDiff(), 1e-3, "off by what the kernel adds");
        for (AllLayers.Layer l : r.layers()) {
            if (l == first) {
                break;
            }
            assertTrue(l.comparison().passed(), "every layer before it agrees: " + l.describe());
        }
        assertFalse(r.passed());
        String text = r.describeFirstFailure();
        assertTrue(text.startsWith("first node over the tolerance: step " + first.step() + " " + label), text);
        assertTrue(text.contains("x the bound"), text);
    }

    @Test
    void integerAndBooleanValuesAreComparedExactly(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("mixed.onnxtxt"), MIXED_TYPES);
        Cli.Result run = Cli.run("verify", model.toString(), "--all-layers", "--json");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> json = MiniJson.object(run.out());
        Map<String, Double> bounds = new HashMap<>();
        for (Object o : (List<?>) json.get("layers")) {
            Map<?, ?> l = (Map<?, ?>) o;
            assertEquals(true, l.get("passed"), l.toString());
            bounds.put((String) l.get("output"), ((Number) l.get("bound")).doubleValue());
        }
        for (String exact : List.of("ints", "small", "positive", "index")) {
            assertEquals(0.0, bounds.get(exact), exact + " is compared, exactly: " + bounds);
        }
        assertTrue(bounds.get("y") > 0, "float values within the tolerance: " + bounds);
        assertEquals(Set.of("big", "ints", "small", "positive", "back", "smallf", "picked", "index", "indexf", "y"),
                bounds.keySet());
    }

    @Test
    void anIntegerOffByOneIsCaughtWhereTheToleranceWouldHideIt(@TempDir Path dir) throws IOException {
        Path model = Files.writeString(dir.resolve("mixed.onnxtxt"), MIXED_TYPES);
        AllLayers.Result r = check(model, withWrongKernel("", "Cast", "to_int64", "1"));
        AllLayers.Layer first = r.firstFailure();
        assertNotNull(first, "the wrong Cast is caught");
        assertEquals("Cast 'to_int64'", first.node());
        assertEquals("ints", first.comparison().output());
        assertEquals(1.0, first.comparison().maxAbsDiff());
        // Values in the hundreds of thousands: 1e-4 of them is more than 1, so only exactness catches it.
        assertTrue(first.comparison().maxAbsRef() * 1e-4 > 1, first.describe());
        assertTrue(r.describeFirstFailure().endsWith("'ints': max |kiln - ref| = 1.00 where they must be equal"),
                r.describeFirstFailure());
    }

    @Test
    void theFixtureAgreesLayerByLayerAndTheSkippedValuesAreInOneGraphOnly() {
        Cli.Result run = Cli.run("verify", MODEL.toString(), "--all-layers", "--json");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> json = MiniJson.object(run.out());
        assertEquals(true, json.get("passed"));
        assertNull(json.get("firstFailure"));
        List<?> layers = (List<?>) json.get("layers");
        Set<String> compared = new HashSet<>();
        int nhwc = 0;
        for (Object o : layers) {
            Map<?, ?> l = (Map<?, ?>) o;
            assertEquals(true, l.get("passed"), l.toString());
            compared.add((String) l.get("output"));
            nhwc += "NHWC".equals(l.get("layout")) ? 1 : 0;
        }
        assertTrue(nhwc > 20, "channels-last layers are compared after undoing their layout: " + nhwc);

        Compilation c = Compilation.of(MODEL, dev.kiln.codegen.KilnOptions.defaults().compileOptions());
        long kernelsWithOrigins = c.plan().kernels().stream().filter(n -> !n.origins().isEmpty()).count();
        long views = c.model().graph().nodes().stream().filter(n -> !c.plan().kernels().contains(n)).count();
        assertEquals(kernelsWithOrigins + views, layers.size(), "every step that stands for an ONNX node, and views");
        for (Object o : (List<?>) json.get("skipped")) {
            Map<?, ?> s = (Map<?, ?>) o;
            assertFalse(compared.contains((String) s.get("value")), s.toString());
            if (s.get("side").equals("kiln")) {
                assertTrue(((String) s.get("reason")).endsWith("added by a pass: it stands for no imported node"),
                        s.toString());
            }
        }
    }

    @Test
    void theTextNamesEachLayerAndSaysAllAgree() {
        Cli.Result run = Cli.run("verify", MODEL.toString(), "--all-layers", "--target", "vector");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("step 1    dev.kiln.FusedConv '/stem/stem.0/stem.0.0/Conv' -> "
                + "'/stem/stem.1/Mul_output_0' (NHWC, as NCHW): max |kiln - ref| = "), run.out());
        assertTrue(run.out().contains("; every layer within the tolerance\n"), run.out());
        assertTrue(run.out().contains("  kiln 'input_nhwc': Transpose added by a pass"), run.out());
        assertTrue(run.out().strip().endsWith("verify: passed"), run.out());
    }

    @Test
    void allLayersNeedsOnnxRuntime() {
        Cli.Result r = Cli.run("verify", MODEL.toString(), "--all-layers", "--no-onnxruntime");
        assertEquals(2, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
    }
}
