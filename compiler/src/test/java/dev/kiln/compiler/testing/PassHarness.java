package dev.kiln.compiler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.IrPrinter;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.onnx.text.OnnxTextReader;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.BindInputs;
import dev.kiln.compiler.passes.CheckSupport;
import dev.kiln.compiler.passes.Pass;
import dev.kiln.compiler.passes.PassPipeline;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs chosen passes of the standard pipeline on a test model, and checks the
 * result against ONNX Runtime: the original model and the rewritten graph
 * (exported with {@link IrExporter}) must compute the same numbers.
 */
public final class PassHarness {
    private PassHarness() {
    }

    /** A model imported from protobuf, as OnnxImporter would read it from a file. */
    public static Model importModel(ModelProto proto) {
        return OnnxImporter.convert(proto, "test.onnx", "0".repeat(64), null);
    }

    /** Imports, checks and binds {@code model}, then runs fold-constants and the passes named, in pipeline order. */
    public static Rewritten run(OnnxModelBuilder model, InputBindings bindings, String... passes) {
        return run(model.build(), bindings, passes);
    }

    public static Rewritten run(OnnxModelBuilder model, String... passes) {
        return run(model, new InputBindings(), passes);
    }

    /** The same for a model written in ONNX's text syntax. */
    public static Rewritten run(String onnxText, String... passes) {
        return run(OnnxTextReader.parse(onnxText), new InputBindings(), passes);
    }

    public static Rewritten run(ModelProto proto, InputBindings bindings, String... passes) {
        return run(proto, bindings, List.of(), passes);
    }

    /**
     * Runs the named standard passes (and fold-constants), then {@code targetPasses}, as a
     * back end's own passes run after the standard ones.
     */
    public static Rewritten run(ModelProto proto, InputBindings bindings, List<Pass> targetPasses, String... passes) {
        Model m = importModel(proto);
        OpRegistry registry = OpRegistry.standard();
        CheckSupport.check(m.graph(), registry);
        BindInputs.apply(m, bindings);
        PassPipeline standard = PassPipeline.standard(registry);
        Set<String> disabled = new HashSet<>(standard.names());
        disabled.remove("fold-constants");
        disabled.removeAll(List.of(passes));
        List<PassPipeline.Step> steps = standard.without(disabled, registry).then(targetPasses, registry)
                .run(m.graph(), (p, g) -> { });
        return new Rewritten(proto, m, steps);
    }

    /** A model after some passes. */
    public record Rewritten(ModelProto original, Model model, List<PassPipeline.Step> steps) {
        public Graph graph() {
            return model.graph();
        }

        /** The op histogram of the rewritten graph, e.g. {Gelu=1}. */
        public Map<String, Integer> ops() {
            return graph().opHistogram();
        }

        /** How many rewrites the named pass reported. */
        public int rewrites(String pass) {
            return steps.stream().filter(s -> s.pass().equals(pass)).findFirst().orElseThrow().rewrites();
        }

        public void assertOps(Map<String, Integer> expected) {
            assertEquals(expected, ops(), IrPrinter.print(graph()));
        }

        /**
         * Runs the original model and the rewritten graph in ONNX Runtime on the same
         * pseudo-random inputs and checks every output agrees within {@code tolerance}
         * (relative to the larger of 1 and the biggest reference value).
         */
        public void assertMatchesOnnxRuntime(double tolerance) {
            List<OnnxRuntimeRunner.Input> inputs = new ArrayList<>();
            int seed = 1;
            for (Value in : graph().inputs()) {
                assertEquals(ElementType.FLOAT, in.type().elementType(), "the harness feeds float inputs only");
                float[] data = OnnxModelBuilder.random(seed++, in.type().intSize(), 2f);
                inputs.add(new OnnxRuntimeRunner.Input(in.name(), data, in.type().dims()));
            }
            OnnxRuntimeRunner.Input[] feed = inputs.toArray(OnnxRuntimeRunner.Input[]::new);
            List<OnnxRuntimeRunner.Output> expected = OnnxRuntimeRunner.run(original.toByteArray(), feed);
            ModelProto exported = IrExporter.export(graph(), model.onnxOpset());
            List<OnnxRuntimeRunner.Output> actual = OnnxRuntimeRunner.run(exported.toByteArray(), feed);
            assertEquals(expected.size(), actual.size());
            for (int i = 0; i < expected.size(); i++) {
                assertEquals(Arrays.toString(expected.get(i).shape()), Arrays.toString(actual.get(i).shape()),
                        "shape of output " + i + "\n" + IrPrinter.print(graph()));
                double error = OnnxRuntimeRunner.relativeError(actual.get(i).data(), expected.get(i).data());
                assertTrue(error <= tolerance, "output " + i + ": relative error " + error + "\n" + IrPrinter.print(graph()));
            }
        }
    }
}
