package dev.kiln.report;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.plan.MemoryPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of the layer table: a node after the passes.
 *
 * @param index the node's position in the graph after the passes
 * @param op the op, {@code dev.kiln.FusedConv} for Kiln's own
 * @param fused the imported nodes it stands for (one, itself, unless a pass fused several)
 * @param inputs the types of the inputs computed at run time
 * @param outputs the output types
 * @param weightBytes bytes of the weight file this node reads
 * @param activationBytes bytes of the values it writes (a view writes none)
 * @param step its kernel step, or null for a view (which runs nothing)
 * @param millis measured mean time, or null when not profiled
 */
public record Layer(int index, String op, String name, List<Origin> fused, List<String> inputs, List<String> outputs,
             long macs, long weightBytes, long activationBytes, String layout, String profile, String kernel,
             Integer step, Double millis) {

    /** An imported node, by name and op. */
    public record Origin(String name, String op) {
    }

    /**
     * The layers of the compiled graph. A layer's MACs are those of the imported nodes it
     * stands for, as ONNX defines them (what PyTorch counts), not what its kernel does: a
     * ConvTranspose runs as a phase Conv (added, no MACs of its own here), which computes
     * zero taps too, and the DepthToSpace that stands for it. An imported node that several
     * layers stand for counts in the first.
     */
    static List<Layer> of(Graph graph, MemoryPlan plan, OpRegistry registry, Map<String, String> importedOps,
                          Map<String, Long> importedMacs, LayerTargets targets, LayerTimings timings) {
        Set<String> counted = new HashSet<>();
        Map<Node, Integer> steps = new IdentityHashMap<>();
        for (int i = 0; i < plan.kernels().size(); i++) {
            steps.put(plan.kernels().get(i), i);
        }
        List<Layer> layers = new ArrayList<>();
        for (Node n : graph.nodes()) {
            OpDef op = registry.get(n);
            List<String> inputs = new ArrayList<>();
            long weightBytes = 0;
            for (int i = 0; i < n.inputCount(); i++) {
                Value v = n.input(i);
                if (v == null || v.isConstant() && op.isStaticInput(n, i)) {
                    continue;
                }
                if (v.isConstant()) {
                    weightBytes += bytes(v);
                } else {
                    inputs.add(v.type().toString());
                }
            }
            Integer step = steps.get(n);
            List<String> outputs = new ArrayList<>();
            long activationBytes = 0;
            for (Value v : n.outputs()) {
                if (v != null) {
                    outputs.add(v.type().toString());
                    activationBytes += step == null ? 0 : bytes(v);
                }
            }
            List<Origin> fused = n.origins().stream().map(o -> new Origin(o, importedOps.get(o))).toList();
            String kernel = step == null ? "view: runs nothing" : targets.kernel(n);
            long macs = 0;
            for (String origin : n.origins()) {
                if (counted.add(origin)) {
                    macs += importedMacs.getOrDefault(origin, 0L);
                }
            }
            layers.add(new Layer(layers.size(), qualifiedOp(n), n.name(), fused, inputs, outputs, macs,
                    weightBytes, activationBytes, targets.layout(n), targets.profile(n), kernel, step,
                    step == null ? null : timings.millis(step)));
        }
        return layers;
    }

    static String qualifiedOp(Node n) {
        return n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType();
    }

    private static long bytes(Value v) {
        return v.type().size() * ArenaTimeline.elementBytes(v.type().elementType().storage());
    }
}
