package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Attention;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.ops.Normalization;
import dev.kiln.compiler.ops.Transpose;
import dev.kiln.compiler.target.TargetProfile;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * choose-layout: where the CPU profile prefers channels-last activations (NHWC), moves
 * the image part of the graph there. Vector kernels read a position's channels as
 * whole vectors, and a 1x1 convolution in NHWC is a matrix product whose rows are
 * positions; in ONNX's NCHW a channel's plane is contiguous instead.
 *
 * <p>Moved are 2-D float convolutions (into {@code dev.kiln.FusedConv} with
 * {@code channels_last}), per-channel GroupNormalization (into its
 * {@code dev.kiln} twin), Attention, and element-wise ops that read a moved value
 * (unchanged: element-wise ops do not care about layout; a constant operand is
 * permuted to match), a GlobalAveragePool of a moved value (into ReduceMean over the
 * two spatial axes, so that the whole feature map is not transposed back just to be
 * averaged), and a 2-D float MaxPool or AveragePool of a moved value whose Indices nobody
 * reads, and a DepthToSpace of a moved value (into Kiln's channels-last twins: ResNet's
 * stem pool read NCHW, and cost a Transpose each way of its 112 x 112 x 64 input and
 * output; LowFormer's upsampling ConvTransposes end in a DepthToSpace). Where a moved
 * value meets a node that stays in NCHW, or is a graph output, one Transpose converts it,
 * shared by all such readers; where a moved node reads an NCHW value, likewise. So a
 * LowFormer or ResNet graph transposes its input once, and its pooled features (a
 * Transpose of size-1 axes, a copy of N x C floats) at the end.
 */
public final class ChooseLayout implements Pass {
    private static final int[] TO_CHANNELS_LAST = {0, 2, 3, 1};
    private static final int[] TO_CHANNELS_FIRST = {0, 3, 1, 2};
    /** Element-wise ops of one tensor operand whose result does not depend on the layout. */
    private static final Set<String> UNARY = Set.of("Relu", "HardSwish", "HardSigmoid", "Sigmoid", "Tanh", "Gelu",
            "LeakyRelu", "Clip", "Erf", "Sqrt", "Exp", "Neg", "Abs", "Elu", "Selu", "Softplus", "Mish", "Reciprocal");
    /** Element-wise ops of two operands that broadcast as NumPy does. */
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "PRelu");

    private final TargetProfile profile;

    public ChooseLayout(TargetProfile profile) {
        this.profile = profile;
    }

    @Override
    public String name() {
        return "choose-layout";
    }

    @Override
    public String description() {
        return "moves convolutions, their norms, attention, pooling, DepthToSpace and element-wise ops to "
                + "channels-last (NHWC) where the CPU profile prefers it, with one Transpose at each border";
    }

    @Override
    public int run(Graph graph) {
        if (profile.layout() != TargetProfile.Layout.NHWC) {
            return 0;
        }
        List<Node> moved = chooseNodes(graph);
        new Rewrite(graph).move(moved);
        return moved.size();
    }

    /**
     * The nodes to move: the convolution-like ones, and element-wise ops, pools and DepthToSpace
     * that read a moved value.
     */
    private static List<Node> chooseNodes(Graph graph) {
        Set<Value> movedValues = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> moved = new ArrayList<>();
        for (Node n : graph.nodes()) {
            boolean move = isConvolutionLike(n)
                    || ((isElementwise(n) || isGlobalAveragePool(n) || isPool(n) || n.is("DepthToSpace"))
                            && readsAny(n, movedValues));
            if (move) {
                moved.add(n);
                movedValues.add(n.output());
            }
        }
        return moved;
    }

    private static boolean isConvolutionLike(Node n) {
        Value x = n.inputCount() > 0 ? n.input(0) : null;
        if (x == null || x.isConstant() || x.type().rank() != 4 || x.type().elementType() != ElementType.FLOAT) {
            return false;
        }
        if (n.is("Conv") || isKiln(n, FusedConv.OP_TYPE)) {
            return !FusedConv.layout(n).channelsLast() && n.input(1).isConstant()
                    && (n.inputCount() < 3 || n.input(2) == null || n.input(2).isConstant());
        }
        if (n.is("GroupNormalization")) {
            return n.opset() >= 21 && n.input(1).isConstant() && n.input(2).isConstant();
        }
        return isKiln(n, Attention.OP_TYPE) && n.attributes().getInt("channels_last", 0) == 0;
    }

    private static boolean isElementwise(Node n) {
        if (!n.domain().isEmpty() || !(UNARY.contains(n.opType()) || BINARY.contains(n.opType()))) {
            return false;
        }
        if (n.outputs().size() != 1 || n.output().type().rank() != 4) {
            return false;
        }
        for (Value in : n.inputs()) {
            if (in != null && !in.isConstant() && in.type().rank() != 4) {
                return false; // a lower-rank tensor computed at run time would need its own transpose
            }
        }
        return true;
    }

    private static boolean isGlobalAveragePool(Node n) {
        return n.is("GlobalAveragePool") && n.input(0).type().rank() == 4
                && n.input(0).type().elementType() == ElementType.FLOAT;
    }

    /** A MaxPool or AveragePool over two spatial axes of a float tensor, without MaxPool's Indices. */
    private static boolean isPool(Node n) {
        return (n.is("MaxPool") || n.is("AveragePool")) && n.input(0).type().rank() == 4
                && n.input(0).type().elementType() == ElementType.FLOAT
                && (n.outputs().size() == 1 || n.output(1) == null);
    }

    private static boolean readsAny(Node n, Set<Value> values) {
        for (Value in : n.inputs()) {
            if (in != null && values.contains(in)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKiln(Node n, String opType) {
        return n.domain().equals(Node.KILN_DOMAIN) && n.opType().equals(opType);
    }

    /** One rewrite of the graph: twins for the moved nodes, Transposes at the borders. */
    private static final class Rewrite {
        private final Graph graph;
        /** A moved node's NCHW output and its twin's NHWC output. */
        private final Map<Value, Value> twin = new IdentityHashMap<>();
        /** NCHW values read by moved nodes, and their NHWC Transposes. */
        private final Map<Value, Value> toLast = new IdentityHashMap<>();
        /** Moved outputs read in NCHW, and their Transposes back. */
        private final Map<Value, Value> toFirst = new IdentityHashMap<>();

        Rewrite(Graph graph) {
            this.graph = graph;
        }

        void move(List<Node> moved) {
            Set<Node> movedSet = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            movedSet.addAll(moved);
            for (Node n : new ArrayList<>(graph.nodes())) {
                if (movedSet.contains(n)) {
                    Node t = twinOf(n);
                    graph.addNodeBefore(n, t);
                    twin.put(n.output(), t.output());
                } else {
                    for (int i = 0; i < n.inputCount(); i++) {
                        Value in = n.input(i);
                        if (in != null && twin.containsKey(in)) {
                            n.setInput(i, channelsFirst(in, n));
                        }
                    }
                }
            }
            for (int i = 0; i < graph.outputs().size(); i++) {
                Value out = graph.outputs().get(i);
                if (twin.containsKey(out)) {
                    graph.setOutput(i, channelsFirst(out, null));
                }
            }
            graph.removeNodes(moved);
        }

        /** The channels-last node that does {@code n}'s work. */
        private Node twinOf(Node n) {
            List<Value> inputs = new ArrayList<>();
            boolean elementwise = isElementwise(n);
            for (int i = 0; i < n.inputCount(); i++) {
                Value in = n.input(i);
                if (in == null) {
                    inputs.add(null);
                } else if (isActivation(n, i)) {
                    inputs.add(channelsLast(in, n));
                } else if (elementwise && in.isConstant()) {
                    inputs.add(permuted(in));
                } else {
                    inputs.add(in); // weights, bias, scale: per output channel, whatever the layout
                }
            }
            Value out = new Value(n.output().name() + "_nhwc", null);
            Attributes a = n.attributes().copy();
            Node t;
            if (n.is("Conv") || isKiln(n, FusedConv.OP_TYPE)) {
                a.set(Attribute.of("channels_last", 1L));
                t = new Node(FusedConv.OP_TYPE, Node.KILN_DOMAIN, n.name(), 1, a, inputs, List.of(out));
            } else if (n.is("GroupNormalization")) {
                t = new Node(Normalization.ChannelsLastGroupNormalization.OP_TYPE, Node.KILN_DOMAIN, n.name(), 1,
                        a, inputs, List.of(out));
            } else if (isKiln(n, Attention.OP_TYPE)) {
                a.set(Attribute.of("channels_last", 1L));
                t = new Node(n.opType(), n.domain(), n.name(), n.opset(), a, inputs, List.of(out));
            } else if (isPool(n) || n.is("DepthToSpace")) {
                t = new Node(n.opType(), Node.KILN_DOMAIN, n.name(), 1, a, inputs, List.of(out));
            } else if (isGlobalAveragePool(n)) {
                // The mean over H and W of [N, H, W, C]: [N, 1, 1, C], as ONNX's ReduceMean (axes an attribute at opset 13).
                Attributes mean = new Attributes();
                mean.set(Attribute.of("axes", new long[] {1, 2}));
                mean.set(Attribute.of("keepdims", 1L));
                t = new Node("ReduceMean", "", n.name(), 13, mean, inputs, List.of(out));
            } else {
                t = new Node(n.opType(), n.domain(), n.name(), n.opset(), a, inputs, List.of(out));
            }
            t.replaces(List.of(n));
            return t;
        }

        /** Whether input {@code i} of {@code n} is an image tensor that moves with the node. */
        private static boolean isActivation(Node n, int i) {
            Value in = n.input(i);
            if (in.isConstant()) {
                return false;
            }
            if (n.is("Conv") || isKiln(n, FusedConv.OP_TYPE)) {
                return i == 0 || i == 3; // X and the residual
            }
            return i == 0 || isElementwise(n);
        }

        /** {@code v} in NHWC: a moved node's twin output, or a Transpose of an NCHW value, made once. */
        private Value channelsLast(Value v, Node reader) {
            Value moved = twin.get(v);
            if (moved != null) {
                return moved;
            }
            return toLast.computeIfAbsent(v, k -> transpose(k, TO_CHANNELS_LAST, "_nhwc", reader));
        }

        /** A moved node's output back in NCHW, for a reader that stays there, made once. */
        private Value channelsFirst(Value original, Node reader) {
            return toFirst.computeIfAbsent(original,
                    k -> transpose(twin.get(k), TO_CHANNELS_FIRST, "_nchw_of_" + k.name(), reader));
        }

        /** Adds {@code Transpose(v, perm)} before {@code reader} (at the end for null); returns its output. */
        private Value transpose(Value v, int[] perm, String suffix, Node reader) {
            Value out = new Value(v.name() + suffix, null);
            long[] p = new long[perm.length];
            for (int i = 0; i < perm.length; i++) {
                p[i] = perm[i];
            }
            Attributes a = new Attributes();
            a.set(Attribute.of("perm", p));
            Node t = new Node("Transpose", "", "", 13, a, List.of(v), List.of(out));
            t.addedByAPass();
            if (reader == null) {
                graph.addNode(t);
            } else {
                graph.addNodeBefore(reader, t);
            }
            return out;
        }

        /** A constant operand of an element-wise op, broadcast against NCHW, as it broadcasts against NHWC. */
        private static Value permuted(Value c) {
            Tensor t = c.constant();
            if (t.size() == 1) {
                return c;
            }
            long[] dims = t.type().dims();
            long[] four = {1, 1, 1, 1};
            System.arraycopy(dims, 0, four, 4 - dims.length, dims.length);
            return Value.constant(c.name() + "_nhwc", Transpose.permute(t.reshaped(four), TO_CHANNELS_LAST));
        }
    }
}
