package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.testing.PassHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole standard pipeline on the committed LowFormer exports (PyTorch, opsets 13
 * and 17): after each pass the IR, exported back to ONNX, must compute what ONNX
 * Runtime computes on the original model.
 */
class StandardPipelineTest {
    private static final Path FIXTURES = Path.of("..", "examples", "lowformer", "fixtures");

    private static ModelProto fixture(String stem) throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(FIXTURES.resolve(stem + ".onnx")));
    }

    /** Runs the standard passes, checking against ONNX Runtime after each one (or only the last). */
    private static Model compile(ModelProto proto, InputBindings bindings, boolean checkEachPass) {
        Model m = PassHarness.importModel(proto);
        OpRegistry registry = OpRegistry.standard();
        CheckSupport.check(m.graph(), registry);
        BindInputs.apply(m, bindings);
        PassPipeline pipeline = PassPipeline.standard(registry);
        String last = pipeline.names().get(pipeline.names().size() - 1);
        List<String> checked = new ArrayList<>();
        pipeline.run(m.graph(), (pass, graph) -> {
            if (checkEachPass || pass.name().equals(last)) {
                new PassHarness.Rewritten(proto, m, List.of()).assertMatchesOnnxRuntime(1e-4);
                checked.add(pass.name());
            }
        });
        assertTrue(checked.contains(last), checked.toString());
        return m;
    }

    @Test
    void opset13ExportMatchesAfterEveryPass() throws IOException {
        Model m = compile(fixture("lowformer_tiny_op13"), new InputBindings(), true);
        Map<String, Integer> ops = m.graph().opHistogram();
        for (String gone : new String[] {"Erf", "HardSigmoid", "ReduceMean", "InstanceNormalization", "Shape",
            "Identity", "BatchNormalization"}) {
            assertFalse(ops.containsKey(gone), gone + " left in " + ops);
        }
    }

    @Test
    void opset17ExportMatches() throws IOException {
        compile(fixture("lowformer_tiny_op17_176"), new InputBindings(), false);
    }

    @Test
    void dynamicBatchExportMatchesForBatchTwo() throws IOException {
        compile(fixture("lowformer_tiny_op13_dynbatch"), new InputBindings().dim("batch", 2), false);
    }
}
