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
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code kiln verify --all-layers} against ONNX Runtime: a correct model passes layer by layer, and a
 * model with one deliberately wrong kernel (a test-only back end) is caught at that kernel's node.
 */
class AllLayersTest {
    private static final Path MODEL = Cli.fixture("lowformer_tiny_op13.onnx");

    /**
     * The scalar kernel of an op, except that for the node named {@code wrongNode} it adds 0.5 to the
     * output's first element after doing its work: a kernel with a bug.
     */
    private record WrongKernel(JavaKernel real, String wrongNode) implements JavaKernel {
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
                w.code().beginControlFlow("if (lo == 0)").addStatement("$L += 0.5f", w.out(0).at(0)).endControlFlow();
            }
        }
    }

    /** The java back end with {@code op}'s kernel wrong for one node. */
    private static JavaBackend withWrongKernel(String domain, String op, String node) {
        JavaKernels scalar = JavaKernels.scalar();
        JavaKernel real = scalar.find(new Node(op, domain, "", 1, new Attributes(), List.of(), List.of()));
        return new JavaBackend("java", "java with a wrong " + op + " kernel", scalar.withKernel(domain, op,
                new WrongKernel(real, node)), null, List.of("--release", "8"), List.of());
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
        JavaBackend backend = withWrongKernel(domain, op, wrong.name());
        Model model = OnnxImporter.read(MODEL);
        Map<String, AllLayers.OnnxNode> onnx = AllLayers.importedNodes(model.graph());
        Compilation c = Compilation.of(model, new CompileOptions(new InputBindings(), TargetProfile.DEFAULT, backend,
                Set.of(), (pass, graph) -> { }));
        GeneratedModel debug = backend.generate(c, GenerateOptions.defaults("lowformer_tiny_op13.onnx")
                .withInstrumented(true));

        AllLayers.Result r = AllLayers.check(MODEL, onnx, debug, ModelInputs.random(c.model().graph(), 0), Map.of(),
                1e-4);
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
