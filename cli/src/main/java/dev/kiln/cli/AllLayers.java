package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.ModelFile;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.passes.ChannelsLastValues;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code kiln verify --all-layers}: every intermediate value of Kiln's debug build
 * ({@code intermediates(...)}) against ONNX Runtime's, which computes them as extra graph
 * outputs on a copy of the model. Only values that exist in both graphs are compared: a
 * node after the passes stands for the imported nodes in its {@code origins()}, and computes
 * the output of the last of them (a fused kernel against the last ONNX node it replaced); a
 * channels-last value is put back in ONNX's NCHW order first. Values of every element type are
 * compared: integers and booleans exactly, floating-point ones within the tolerance. Everything
 * else is listed as skipped, with the reason.
 */
final class AllLayers {
    private AllLayers() {
    }

    /** An imported node: its name (its origin), op and the values it computes, taken before the passes. */
    record OnnxNode(String name, String op, List<String> outputs) {
    }

    /**
     * One Kiln value compared with ONNX Runtime's.
     *
     * @param step the kernel step that writes it, or null for a view (which writes nothing)
     * @param node the node after the passes, e.g. {@code dev.kiln.FusedConv '/stem/Conv'}
     * @param onnxNode the imported node whose output it is compared with (its last origin)
     * @param onnxValue that output's name
     * @param layout the layout Kiln keeps it in, undone before comparing
     */
    record Layer(Integer step, String node, String onnxNode, String onnxValue, String layout, Comparison comparison) {
        String describe() {
            return String.format("%-9s %s -> '%s'%s: %s", step == null ? "view" : "step " + step, node, onnxValue,
                    layout.equals("NHWC") ? " (NHWC, as NCHW)" : "", comparison.verdict());
        }

        /** {@code {step, node, onnxNode, layout}} and the comparison's fields, its output being the ONNX value. */
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("step", step);
            m.put("node", node);
            m.put("onnxNode", onnxNode);
            m.put("layout", layout);
            m.putAll(comparison.toJson());
            return m;
        }
    }

    /**
     * A value not compared.
     *
     * @param side {@code onnx} for a value only the imported graph has, {@code kiln} for one only Kiln's has
     */
    record Skipped(String side, String value, String reason) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("side", side);
            m.put("value", value);
            m.put("reason", reason);
            return m;
        }
    }

    record Result(List<Layer> layers, List<Skipped> skipped) {
        boolean passed() {
            return layers.stream().allMatch(l -> l.comparison().passed());
        }

        /** The first layer, in execution order, over the tolerance; null when all pass. */
        Layer firstFailure() {
            return layers.stream().filter(l -> !l.comparison().passed()).findFirst().orElse(null);
        }

        /** Like {@code first node over the tolerance: step 12 ... by 0.25, 2.5e+03 x the bound}. */
        String describeFirstFailure() {
            Layer f = firstFailure();
            if (f == null) {
                return "every layer within the tolerance";
            }
            Comparison c = f.comparison();
            String by = c.problem() != null ? c.problem()
                    : c.bound() == 0 ? String.format("max |kiln - ref| = %.3g where they must be equal", c.maxAbsDiff())
                    : String.format("max |kiln - ref| = %.3g, %.3g x the bound %.3g", c.maxAbsDiff(),
                            c.maxAbsDiff() / c.bound(), c.bound());
            return "first node over the tolerance: " + (f.step() == null ? "view " : "step " + f.step() + " ")
                    + f.node() + ", against ONNX node '" + f.onnxNode() + "' -> '" + f.onnxValue() + "': " + by;
        }
    }

    /** The imported graph's nodes by name, before the passes rewrite the graph in place. */
    static Map<String, OnnxNode> importedNodes(Graph imported) {
        Map<String, OnnxNode> nodes = new LinkedHashMap<>();
        for (Node n : imported.nodes()) {
            List<String> outputs = n.outputs().stream().map(v -> v == null ? "" : v.name()).toList();
            nodes.put(n.origins().get(0), new OnnxNode(n.origins().get(0), n.opType(), outputs));
        }
        return nodes;
    }

    /** A Kiln value and the ONNX value it is compared with. */
    private record Pair(Node node, Integer step, Value value, String onnxValue) {
    }

    /**
     * Runs {@code debugBuild} (compiled with {@code KilnOptions.instrumented}) and ONNX Runtime on
     * {@code data} and compares every value both compute.
     *
     * @param onnx the model's nodes as imported ({@link #importedNodes}), before the compilation
     * @param constants the inputs bound with --const, which ONNX Runtime is given too
     */
    static Result check(Path modelFile, Map<String, OnnxNode> onnx, GeneratedModel debugBuild, float[][] data,
                        Map<String, Tensor> constants, double tolerance) {
        Graph graph = debugBuild.compilation().model().graph();
        Map<Value, String> names = graph.uniqueNames();
        Set<Value> channelsLast = ChannelsLastValues.of(graph);
        Map<Node, Integer> steps = new IdentityHashMap<>();
        debugBuild.compilation().plan().kernels().forEach(n -> steps.put(n, steps.size()));
        Set<String> ortValues = valuesOnnxRuntimeComputes(modelFile);

        List<Skipped> kilnOnly = new ArrayList<>();
        Map<String, Pair> pairs = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            for (int i = 0; i < n.outputs().size(); i++) {
                Value v = n.output(i);
                if (v == null) {
                    continue;
                }
                String reason = null;
                String onnxValue = null;
                if (n.origins().isEmpty()) {
                    reason = n.qualifiedOpType() + " added by a pass: it stands for no imported node";
                } else {
                    OnnxNode o = onnx.get(n.origins().get(n.origins().size() - 1));
                    onnxValue = o == null || i >= o.outputs().size() ? "" : o.outputs().get(i);
                    if (onnxValue.isEmpty()) {
                        reason = "its ONNX node has no output " + i;
                    } else if (!ortValues.contains(onnxValue)) {
                        reason = "ONNX Runtime does not compute '" + onnxValue + "' in the model's graph "
                                + "(inside a model-local function)";
                    }
                }
                if (reason != null) {
                    kilnOnly.add(new Skipped("kiln", names.get(v), reason));
                    continue;
                }
                Pair earlier = pairs.remove(onnxValue);
                if (earlier != null) {
                    kilnOnly.add(new Skipped("kiln", names.get(earlier.value()), "a part of what '" + onnxValue
                            + "' is; a later node computes the whole"));
                }
                pairs.put(onnxValue, new Pair(n, steps.get(n), v, onnxValue));
            }
        }

        LoadedModel kiln = LoadedModel.of(debugBuild);
        Map<String, Object> kilnValues = kiln.intermediates((Object[]) data);
        List<String> wanted = new ArrayList<>(pairs.keySet());
        List<Tensor> ort = OnnxRuntimeReference.runIntermediates(modelFile, graph.inputs(), data, constants, wanted);

        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            Pair p = pairs.get(wanted.get(i));
            Object k = kilnValues.get(names.get(p.value()));
            ElementType type = p.value().type().elementType();
            String reason = k == null ? "a view of an input or a constant: Kiln computes nothing for it"
                    : ort.get(i) == null ? "ONNX Runtime returns no " + type.onnxName() + " tensor for it"
                    : ort.get(i).elementType() != type ? "Kiln's is " + type.onnxName() + ", ONNX Runtime's "
                            + ort.get(i).elementType().onnxName() : null;
            if (reason != null) {
                kilnOnly.add(new Skipped("kiln", names.get(p.value()), reason));
                continue;
            }
            double[] kilnValue = new Tensor(new TensorType(type, Array.getLength(k)), k).toDoubles();
            boolean nhwc = channelsLast.contains(p.value()) && p.value().type().rank() == 4;
            double[] values = nhwc ? toChannelsFirst(kilnValue, p.value().type().dims()) : kilnValue;
            OnnxNode o = onnx.get(p.node().origins().get(p.node().origins().size() - 1));
            // Integers and booleans must agree exactly; floating-point values within the tolerance.
            layers.add(new Layer(p.step(), label(p.node()), o.name(), p.onnxValue(), nhwc ? "NHWC" : "as ONNX",
                    Comparison.of("onnxruntime", p.onnxValue(), values, ort.get(i).toDoubles(),
                            type.isFloat() ? tolerance : 0)));
        }
        List<Skipped> skipped = onnxOnly(onnx, graph, pairs.keySet());
        skipped.addAll(kilnOnly);
        return new Result(layers, skipped);
    }

    /** The values ONNX Runtime can return: the outputs of the top-level graph's nodes. */
    private static Set<String> valuesOnnxRuntimeComputes(Path modelFile) {
        Set<String> values = new HashSet<>();
        for (NodeProto n : ModelFile.read(modelFile).proto().getGraph().getNodeList()) {
            values.addAll(n.getOutputList());
        }
        return values;
    }

    /** The imported values no Kiln value was compared with, and why. */
    private static List<Skipped> onnxOnly(Map<String, OnnxNode> onnx, Graph graph, Set<String> compared) {
        Map<String, Node> standsFor = new HashMap<>();
        for (Node n : graph.nodes()) {
            n.origins().forEach(o -> standsFor.put(o, n));
        }
        List<Skipped> skipped = new ArrayList<>();
        for (OnnxNode o : onnx.values()) {
            for (String value : o.outputs()) {
                if (value.isEmpty() || compared.contains(value)) {
                    continue;
                }
                Node by = standsFor.get(o.name());
                String reason;
                if (by == null) {
                    reason = "not computed at run time: the passes folded this " + o.op() + " or removed it";
                } else if (!by.origins().get(by.origins().size() - 1).equals(o.name())) {
                    reason = "inside " + label(by) + " (fused), compared at its last node";
                } else {
                    reason = label(by) + " does not compute it";
                }
                skipped.add(new Skipped("onnx", value, reason));
            }
        }
        return skipped;
    }

    private static String label(Node n) {
        return n.qualifiedOpType() + " " + (n.name().isEmpty() ? "(unnamed)" : "'" + n.name() + "'");
    }

    /** A [N, H, W, C] tensor's values in [N, C, H, W] order. */
    static double[] toChannelsFirst(double[] nhwc, long[] dims) {
        int n = (int) dims[0];
        int h = (int) dims[1];
        int w = (int) dims[2];
        int c = (int) dims[3];
        double[] out = new double[nhwc.length];
        for (int b = 0; b < n; b++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    for (int ch = 0; ch < c; ch++) {
                        out[((b * c + ch) * h + y) * w + x] = nhwc[((b * h + y) * w + x) * c + ch];
                    }
                }
            }
        }
        return out;
    }
}
