package dev.kiln.compiler.testing;

import com.google.protobuf.ByteString;
import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.Attention;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.ops.Normalization;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a typed IR graph back out as an ONNX model, so that ONNX Runtime can run
 * the graph a pass produced. ONNX nodes are written as they are; Kiln's own ops as the
 * standard ops their definitions name: FusedConv as Conv, then the activation, then
 * Add of the residual; Attention as the Reshape, Transpose, Slice, MatMul, Mul,
 * Softmax, MatMul, Transpose, Reshape chain PyTorch exports (between Transposes to
 * and from channels first when it is channels last). The model imports the newest ai.onnx opset any node uses;
 * Reduce ops' axes attributes become inputs when that opset wants them so, and
 * tests pick models whose other ops mean the same at that opset.
 */
public final class IrExporter {
    private final Graph graph;
    private final Map<Value, String> names;
    private final GraphProto.Builder out = GraphProto.newBuilder().setName("kiln-ir");
    private final Map<Value, Boolean> written = new IdentityHashMap<>();
    private final int opset;
    private int extra;

    private IrExporter(Graph graph, int opset) {
        this.graph = graph;
        this.names = graph.uniqueNames();
        this.opset = opset;
    }

    /** The graph as a model importing ai.onnx at least at {@code minOpset}. */
    public static ModelProto export(Graph graph, int minOpset) {
        IrExporter e = new IrExporter(graph, opset(graph, minOpset));
        for (Value in : graph.inputs()) {
            e.out.addInput(e.valueInfo(in));
        }
        for (Node n : graph.nodes()) {
            e.node(n);
        }
        for (Value v : graph.outputs()) {
            if (v.isConstant()) {
                e.out.addNode(NodeProto.newBuilder().setOpType("Identity").addInput(e.name(v))
                        .addOutput(e.name(v) + "_out"));
                e.out.addOutput(ValueInfoProto.newBuilder(e.valueInfo(v)).setName(e.name(v) + "_out"));
            } else {
                e.out.addOutput(e.valueInfo(v));
            }
        }
        return ModelProto.newBuilder().setIrVersion(10).setProducerName("kiln-ir-export")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(e.opset))
                .setGraph(e.out).build();
    }

    /** The newest ai.onnx opset any node needs: its own, or that of a fused activation's op. */
    private static int opset(Graph graph, int minOpset) {
        int opset = minOpset;
        for (Node n : graph.nodes()) {
            if (n.domain().isEmpty()) {
                opset = Math.max(opset, n.opset());
            }
            if (isKiln(n, Attention.OP_TYPE)) {
                opset = Math.max(opset, 13);
            }
            if (isKiln(n, Normalization.ChannelsLastGroupNormalization.OP_TYPE)) {
                opset = Math.max(opset, 21);
            }
            Activation act = n.domain().equals(Node.KILN_DOMAIN) ? Activation.read(n) : null;
            if (act != null && act.opType().equals("HardSwish")) {
                opset = Math.max(opset, 14);
            } else if (act != null && act.opType().equals("Gelu")) {
                opset = Math.max(opset, 20);
            }
        }
        return opset;
    }

    private void node(Node n) {
        if (isKiln(n, FusedConv.OP_TYPE)) {
            fusedConv(n);
            return;
        }
        if (isKiln(n, Attention.OP_TYPE)) {
            attention(n);
            return;
        }
        if (isKiln(n, Normalization.ChannelsLastGroupNormalization.OP_TYPE)) {
            channelsLastGroupNorm(n);
            return;
        }
        if (isKiln(n, "MaxPool") || isKiln(n, "AveragePool") || isKiln(n, "DepthToSpace")) {
            channelsLastTwin(n);
            return;
        }
        if (!n.domain().isEmpty()) {
            throw new IllegalArgumentException("cannot export " + n.describe());
        }
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(n.opType()).setName(n.name());
        n.inputs().forEach(v -> b.addInput(name(v)));
        n.outputs().forEach(v -> b.addOutput(v == null ? "" : name(v)));
        for (Attribute a : n.attributes().all()) {
            if (n.opType().startsWith("Reduce") && a.name().equals("axes") && opset >= 18) {
                // Reduce ops take axes as an input from opset 18 (ReduceSum from 13).
                String axes = name(n.output()) + "_axes";
                out.addInitializer(OnnxModelBuilder.longTensor(axes, (long[]) a.value(), ((long[]) a.value()).length));
                b.addInput(axes);
                continue;
            }
            b.addAttribute(attribute(a));
        }
        out.addNode(b);
    }

    /**
     * Y = act(Conv(X, W, B)) + R, each step a standard node; with channels_last, X and R
     * are transposed to channels first and the result back, and packed weights unpacked.
     */
    private void fusedConv(Node n) {
        Activation act = Activation.read(n);
        FusedConv.Layout layout = FusedConv.layout(n);
        String finalName = name(n.output());
        String result = layout.channelsLast() ? finalName + "_nchw" : finalName;
        String conv = act == null && n.input(3) == null ? result : result + "_conv";
        NodeProto.Builder c = NodeProto.newBuilder().setOpType("Conv").setName(n.name());
        c.addInput(layout.channelsLast() ? toChannelsFirst(name(n.input(0))) : name(n.input(0)));
        c.addInput(layout.packed() ? unpacked(n) : name(n.input(1)));
        if (n.inputCount() > 2 && n.input(2) != null) {
            c.addInput(unpadded(n, name(n.input(2))));
        }
        c.addOutput(conv);
        for (Attribute a : n.attributes().all()) {
            if (!a.name().startsWith("activation") && !List.of("channels_last", "packed_panel", "out_channels")
                    .contains(a.name())) {
                c.addAttribute(attribute(a));
            }
        }
        out.addNode(c);
        String activated = conv;
        if (act != null) {
            activated = n.input(3) == null ? result : result + "_act";
            NodeProto.Builder a = NodeProto.newBuilder().setOpType(act.opType()).addInput(conv);
            switch (act.opType()) {
                case "HardSigmoid" -> a.addAttribute(OnnxModelBuilder.attr("alpha", act.alpha()))
                        .addAttribute(OnnxModelBuilder.attr("beta", act.beta()));
                case "LeakyRelu" -> a.addAttribute(OnnxModelBuilder.attr("alpha", act.alpha()));
                case "Clip" -> a.addInput(bound(act.alpha())).addInput(bound(act.beta()));
                default -> { }
            }
            out.addNode(a.addOutput(activated));
        }
        if (n.input(3) != null) {
            String residual = layout.channelsLast() ? toChannelsFirst(name(n.input(3))) : name(n.input(3));
            out.addNode(NodeProto.newBuilder().setOpType("Add").addInput(activated).addInput(residual)
                    .addOutput(result));
        }
        if (layout.channelsLast()) {
            add("Transpose", finalName, List.of(result), OnnxModelBuilder.attr("perm", 0L, 2, 3, 1));
        }
    }

    /** A channels-last value transposed to channels first; returns the new name. */
    private String toChannelsFirst(String value) {
        return add("Transpose", value + "_to_nchw_" + extra++, List.of(value), OnnxModelBuilder.attr("perm", 0L, 3, 1, 2));
    }

    /** A packed weight [panels, k..., Cg, P] back in ONNX's order [M, Cg, k...], as an initializer. */
    private String unpacked(Node n) {
        Conv.Params p = FusedConv.params(n);
        Tensor packed = n.input(1).constant();
        int panel = FusedConv.layout(n).panel();
        int m = p.outChannels();
        int cg = p.inChannels() / p.group();
        int taps = (int) (packed.size() / ((long) packed.type().dim(0) * cg * panel));
        float[] src = packed.floats();
        float[] w = new float[m * cg * taps];
        for (int o = 0; o < m; o++) {
            for (int ci = 0; ci < cg; ci++) {
                for (int t = 0; t < taps; t++) {
                    w[(o * cg + ci) * taps + t] = src[((o / panel * taps + t) * cg + ci) * panel + o % panel];
                }
            }
        }
        long[] dims = new long[2 + p.kernel().length];
        dims[0] = m;
        dims[1] = cg;
        System.arraycopy(p.kernel(), 0, dims, 2, p.kernel().length);
        String name = name(n.output()) + "_w_unpacked";
        out.addInitializer(OnnxModelBuilder.floatTensor(name, w, dims));
        return name;
    }

    /** A bias padded to whole panels (pack-weights) cut back to [M]; the bias as it is otherwise. */
    private String unpadded(Node n, String bias) {
        int m = FusedConv.params(n).outChannels();
        Tensor b = n.input(2).constant();
        if (b == null || b.size() == m) {
            return bias;
        }
        String name = bias + "_unpadded";
        out.addInitializer(OnnxModelBuilder.floatTensor(name, java.util.Arrays.copyOf(b.floats(), m), m));
        return name;
    }

    /** Kiln's channels-last GroupNormalization as ONNX's (opset 21) between Transposes. */
    private void channelsLastGroupNorm(Node n) {
        String y = name(n.output());
        String gn = add("GroupNormalization", y + "_nchw", List.of(toChannelsFirst(name(n.input(0))),
                name(n.input(1)), name(n.input(2))), OnnxModelBuilder.attr("num_groups",
                n.attributes().getInt("num_groups")), OnnxModelBuilder.attr("epsilon", Normalization.epsilon(n)));
        add("Transpose", y, List.of(gn), OnnxModelBuilder.attr("perm", 0L, 2, 3, 1));
    }

    /** Kiln's channels-last MaxPool, AveragePool or DepthToSpace: ONNX's, between Transposes. */
    private void channelsLastTwin(Node n) {
        String y = name(n.output());
        String nchw = add(n.opType(), y + "_nchw", List.of(toChannelsFirst(name(n.input(0)))),
                n.attributes().all().stream().map(this::attribute).toArray(AttributeProto[]::new));
        add("Transpose", y, List.of(nchw), OnnxModelBuilder.attr("perm", 0L, 2, 3, 1));
    }

    /**
     * Per head, softmax(scale * Q K^T) V on X's channels grouped as [heads, Q|K|V, d], as
     * PyTorch writes it; channels-last X and Y are transposed to and from channels first.
     */
    private void attention(Node n) {
        Attention.Params p = Attention.params(n);
        String y = name(n.output());
        int d = p.headDim();
        String x = name(n.input(0));
        if (p.channelsLast()) {
            x = add("Transpose", y + "_nchw", List.of(x), OnnxModelBuilder.attr("perm", 0L, 3, 1, 2));
        }
        long[] swap = {0, 1, 3, 2};
        String heads = add("Reshape", y + "_heads", List.of(x, longs(y + "_heads_shape",
                p.batch(), p.heads(), 3L * d, p.tokens())));
        String tokens = add("Transpose", y + "_tokens", List.of(heads), OnnxModelBuilder.attr("perm", swap));
        String[] qkv = new String[3];
        for (int i = 0; i < 3; i++) {
            String part = y + "_" + "qkv".charAt(i);
            qkv[i] = add("Slice", part, List.of(tokens, longs(part + "_start", (long) i * d),
                    longs(part + "_end", (i + 1L) * d), longs(part + "_axis", 3)));
        }
        String keysT = add("Transpose", y + "_kt", List.of(qkv[1]), OnnxModelBuilder.attr("perm", swap));
        String scores = add("MatMul", y + "_scores", List.of(qkv[0], keysT));
        out.addInitializer(OnnxModelBuilder.floatTensor(y + "_scale", new float[] {p.scale()}));
        String scaled = add("Mul", y + "_scaled", List.of(scores, y + "_scale"));
        String weights = add("Softmax", y + "_weights", List.of(scaled), OnnxModelBuilder.attr("axis", -1L));
        String o = add("MatMul", y + "_o", List.of(weights, qkv[2]));
        String channels = add("Transpose", y + "_channels", List.of(o), OnnxModelBuilder.attr("perm", swap));
        long[] image = {p.batch(), p.outChannels(), p.height(), p.width()};
        String result = p.channelsLast() ? y + "_image" : y;
        add("Reshape", result, List.of(channels, longs(y + "_image_shape", image)));
        if (p.channelsLast()) {
            add("Transpose", y, List.of(result), OnnxModelBuilder.attr("perm", 0L, 2, 3, 1));
        }
    }

    /** Adds a node with one output, {@code output}, and returns that name. */
    private String add(String opType, String output, List<String> inputs, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(opType).addAllInput(inputs).addOutput(output);
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        out.addNode(b);
        return output;
    }

    /** An int64 vector initializer; returns its name. */
    private String longs(String name, long... values) {
        out.addInitializer(OnnxModelBuilder.longTensor(name, values, values.length));
        return name;
    }

    private static boolean isKiln(Node n, String opType) {
        return n.domain().equals(Node.KILN_DOMAIN) && n.opType().equals(opType);
    }

    private String bound(float value) {
        if (Float.isInfinite(value)) {
            return "";
        }
        String name = "clip_bound_" + extra++;
        out.addInitializer(OnnxModelBuilder.floatTensor(name, new float[] {value}));
        return name;
    }

    /** The value's name; a constant is written as an initializer the first time it is named. */
    private String name(Value v) {
        if (v == null) {
            return "";
        }
        String name = names.computeIfAbsent(v, k -> "unnamed_" + extra++);
        if (v.isConstant() && written.put(v, Boolean.TRUE) == null) {
            out.addInitializer(tensor(name, v.constant()));
        }
        return name;
    }

    private ValueInfoProto valueInfo(Value v) {
        TensorType t = v.type();
        Object[] dims = new Object[t.rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.dim(i);
        }
        return OnnxModelBuilder.valueInfo(name(v), t.elementType().code(), dims);
    }

    private AttributeProto attribute(Attribute a) {
        return switch (a.kind()) {
            case INT -> OnnxModelBuilder.attr(a.name(), (long) (Long) a.value());
            case FLOAT -> OnnxModelBuilder.attr(a.name(), (float) (Float) a.value());
            case STRING -> OnnxModelBuilder.attr(a.name(), (String) a.value());
            case INTS -> OnnxModelBuilder.attr(a.name(), (long[]) a.value());
            case TENSOR -> OnnxModelBuilder.attr(a.name(), tensor("", (Tensor) a.value()));
            case FLOATS -> {
                AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name())
                        .setType(AttributeProto.AttributeType.FLOATS);
                for (float f : (float[]) a.value()) {
                    b.addFloats(f);
                }
                yield b.build();
            }
            default -> throw new IllegalArgumentException("cannot export attribute " + a);
        };
    }

    /** A tensor as raw little-endian data, which every non-string type allows. */
    static TensorProto tensor(String name, Tensor t) {
        Storage s = t.elementType().storage();
        ByteBuffer b = ByteBuffer.allocate(t.size() * s.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (s) {
            case FLOAT -> b.asFloatBuffer().put((float[]) t.data());
            case DOUBLE -> b.asDoubleBuffer().put((double[]) t.data());
            case LONG -> b.asLongBuffer().put((long[]) t.data());
            case INT -> b.asIntBuffer().put((int[]) t.data());
            case SHORT -> b.asShortBuffer().put((short[]) t.data());
            case BYTE -> b.put((byte[]) t.data());
            case BOOLEAN -> {
                for (boolean v : (boolean[]) t.data()) {
                    b.put((byte) (v ? 1 : 0));
                }
            }
            default -> throw new IllegalArgumentException("cannot export " + t);
        }
        List<Long> dims = new ArrayList<>();
        for (long d : t.type().dims()) {
            dims.add(d);
        }
        return TensorProto.newBuilder().setName(name).setDataType(t.elementType().code()).addAllDims(dims)
                .setRawData(ByteString.copyFrom(b.array())).build();
    }
}
