package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.OpRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Provenance through the standard passes on a real PyTorch export: each node after
 * the passes names the imported nodes it stands for, the last of them being the one
 * whose output it computes.
 */
class OriginsTest {
    @Test
    void everyNodeAfterThePassesNamesTheImportedNodesItReplaced() {
        Model m = OnnxImporter.read(Path.of("..", "examples", "lowformer", "fixtures", "lowformer_tiny_op13.onnx"));
        Map<String, Node> imported = new HashMap<>();
        Map<String, Value> importedOutput = new HashMap<>();
        for (Node n : m.graph().nodes()) {
            assertEquals(List.of(n.name()), n.origins(), "an imported node stands for itself");
            assertNull(imported.put(n.name(), n), "PyTorch names every node once: " + n.name());
            importedOutput.put(n.name(), n.output());
        }
        OpRegistry registry = OpRegistry.standard();
        BindInputs.apply(m, new InputBindings());
        PassPipeline.standard(registry).run(m.graph(), (pass, graph) -> { });

        Map<String, Node> claimedBy = new HashMap<>();
        Map<String, Integer> fusions = new HashMap<>();
        for (Node n : m.graph().nodes()) {
            if (n.origins().isEmpty()) {
                // Added by a pass: only convtranspose-as-conv's phase Conv, read by the DepthToSpace that stands for it.
                assertEquals("Conv", n.opType(), n.describe());
                assertEquals("DepthToSpace", m.graph().consumers(n.output()).get(0).opType(), n.describe());
                continue;
            }
            for (String origin : n.origins()) {
                assertNotNull(imported.get(origin), n + " names an imported node that does not exist: " + origin);
                assertNull(claimedBy.put(origin, n), origin + " is claimed by two nodes");
            }
            String last = n.origins().get(n.origins().size() - 1);
            assertSame(importedOutput.get(last), n.output(), n + " computes the output of " + last);
            String ops = String.join(" + ", n.origins().stream().map(o -> imported.get(o).opType()).toList());
            fusions.merge(n.opType() + " <- " + ops, 1, Integer::sum);
        }
        // PyTorch folded BatchNormalization at export. Fusions compose: the Erf chain becomes
        // Gelu, which then moves into the convolution before it.
        assertEquals(10, fusions.get("FusedConv <- Conv + HardSigmoid + Mul"), fusions.toString());
        assertEquals(2, fusions.get("FusedConv <- Conv + Div + Erf + Add + Mul + Mul"), fusions.toString());
        assertEquals(4, fusions.get("GroupNormalization <- Reshape + InstanceNormalization + Reshape + Mul + Add"),
                fusions.toString());
        assertEquals(1, fusions.get("LayerNormalization <- ReduceMean + Sub + Pow + ReduceMean + Add + Sqrt + Div + Mul + Add"),
                fusions.toString());
    }
}
