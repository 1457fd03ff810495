package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The pass list, disabling passes, and what the pipeline reports per pass. */
class PassPipelineTest {
    private static final List<String> DOCUMENTED_ORDER = List.of("fold-constants", "remove-identities",
            "remove-no-op-slices", "remove-no-op-reshapes", "fuse-erf-gelu", "fuse-hardswish", "fuse-layernorm",
            "fuse-groupnorm", "fuse-matmul-add", "fold-batchnorm", "convtranspose-as-conv", "fuse-conv-activation",
            "fuse-conv-residual", "fuse-attention");

    private static OnnxModelBuilder hardSwish() {
        return new OnnxModelBuilder(13).input("x", 2, 3)
                .node("HardSigmoid", "x", "s", OnnxModelBuilder.attr("alpha", 1f / 6))
                .node("Mul", "x,s", "m").node("Identity", "m", "y").output("y");
    }

    @Test
    void passesRunInTheDocumentedOrder() {
        assertEquals(DOCUMENTED_ORDER, PassPipeline.standard(OpRegistry.standard()).names());
    }

    @Test
    void compilationReportsEachPassAndCallsBackAfterEach() {
        Model m = PassHarness.importModel(hardSwish().build());
        List<String> seen = new ArrayList<>();
        Compilation c = Compilation.of(m, CompileOptions.defaults().withAfterEachPass((p, g) -> seen.add(p.name())));
        assertEquals(DOCUMENTED_ORDER, seen);
        assertEquals(Map.of("HardSigmoid", 1, "Mul", 1, "Identity", 1), c.importedOps());
        assertEquals(Map.of("HardSwish", 1), c.model().graph().opHistogram());
        PassPipeline.Step swish = c.steps().get(DOCUMENTED_ORDER.indexOf("fuse-hardswish"));
        assertEquals(new PassPipeline.Step("fuse-hardswish", 1, 1), swish);
    }

    @Test
    void disabledPassDoesNotRun() {
        Model m = PassHarness.importModel(hardSwish().build());
        Compilation c = Compilation.of(m, CompileOptions.defaults().withDisabledPasses(Set.of("fuse-hardswish")));
        assertEquals(Map.of("HardSigmoid", 1, "Mul", 1), c.model().graph().opHistogram());
    }

    @Test
    void unknownPassNameIsAnError() {
        Model m = PassHarness.importModel(hardSwish().build());
        CompileException e = assertThrows(CompileException.class,
                () -> Compilation.of(m, CompileOptions.defaults().withDisabledPasses(Set.of("fuse-everything"))));
        assertEquals("test.onnx: no pass named 'fuse-everything' (passes: " + String.join(", ", DOCUMENTED_ORDER) + ")",
                e.getMessage());
    }
}
