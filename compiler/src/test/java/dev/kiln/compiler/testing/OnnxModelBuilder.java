package dev.kiln.compiler.testing;

import com.google.protobuf.ByteString;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Builds small ONNX models for tests, node by node, in the shape exporters write them:
 * <pre>
 * byte[] model = new OnnxModelBuilder(13)
 *         .input("x", 1, 8)
 *         .scalar("two", 2f)
 *         .node("Mul", "x,two", "y")
 *         .output("y")
 *         .bytes();
 * </pre>
 * Node inputs and outputs are comma-separated tensor names (an empty name omits an
 * optional input). Dimensions are numbers or symbol names.
 */
public final class OnnxModelBuilder {
    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    public static final int INT64 = TensorProto.DataType.INT64_VALUE;

    private final ModelProto.Builder model = ModelProto.newBuilder();
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private int nodeCount;

    /** A model importing ai.onnx at {@code opset}, IR version 8. */
    public OnnxModelBuilder(int opset) {
        model.setIrVersion(8).setProducerName("kiln-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset));
    }

    public OnnxModelBuilder irVersion(long version) {
        model.setIrVersion(version);
        return this;
    }

    /** A float graph input; each dim is a Number or a symbol String. */
    public OnnxModelBuilder input(String name, Object... dims) {
        return typedInput(name, FLOAT, dims);
    }

    /** A graph input of a TensorProto.DataType. */
    public OnnxModelBuilder typedInput(String name, int elementType, Object... dims) {
        graph.addInput(valueInfo(name, elementType, dims));
        return this;
    }

    /** A graph output with only its element type declared. */
    public OnnxModelBuilder output(String name) {
        return output(name, FLOAT);
    }

    public OnnxModelBuilder output(String name, int elementType) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType))));
        return this;
    }

    /** A float initializer (raw_data, as exporters write it). */
    public OnnxModelBuilder initializer(String name, float[] values, long... dims) {
        graph.addInitializer(floatTensor(name, values, dims));
        return this;
    }

    /** A 0-d float initializer. */
    public OnnxModelBuilder scalar(String name, float value) {
        return initializer(name, new float[] {value});
    }

    /** A 1-D int64 initializer (shapes, axes, starts...). */
    public OnnxModelBuilder longs(String name, long... values) {
        graph.addInitializer(longTensor(name, values, values.length));
        return this;
    }

    public OnnxModelBuilder initializer(TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    /** A node in the default domain; inputs and outputs are comma-separated names. */
    public OnnxModelBuilder node(String opType, String inputs, String outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(opType).setName(opType + "_" + nodeCount++);
        n.addAllInput(inputs.isEmpty() ? java.util.List.of() : Arrays.asList(inputs.split(",", -1)));
        n.addAllOutput(Arrays.asList(outputs.split(",", -1)));
        n.addAllAttribute(Arrays.asList(attributes));
        graph.addNode(n);
        return this;
    }

    /** The graph being built, for tests that need a field this builder has no method for. */
    public GraphProto.Builder graph() {
        return graph;
    }

    public ModelProto build() {
        return model.clone().setGraph(graph.clone()).build();
    }

    public byte[] bytes() {
        return build().toByteArray();
    }

    public static AttributeProto attr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static AttributeProto attr(String name, float value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
    }

    public static AttributeProto attr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(value)).build();
    }

    public static AttributeProto attr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public static AttributeProto attr(String name, TensorProto value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(value).build();
    }

    public static TensorProto floatTensor(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(FLOAT).addAllDims(boxed(dims))
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    public static TensorProto longTensor(String name, long[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return TensorProto.newBuilder().setName(name).setDataType(INT64).addAllDims(boxed(dims))
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** Deterministic pseudo-random floats in [-scale, scale). */
    public static float[] random(long seed, int n, float scale) {
        java.util.Random r = new java.util.Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (r.nextFloat() * 2 - 1) * scale;
        }
        return f;
    }

    static ValueInfoProto valueInfo(String name, int elementType, Object... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            shape.addDim(d instanceof String s ? TensorShapeProto.Dimension.newBuilder().setDimParam(s)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))).build();
    }

    private static Iterable<Long> boxed(long[] dims) {
        return Arrays.stream(dims).boxed().toList();
    }
}
