package dev.kiln.codegen;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.onnx.OnnxImporter;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A one-node ONNX model built with the protobuf builders, run both by ONNX Runtime
 * and by Kiln's generated Java, for tests that compare the two. Runtime inputs are
 * flat arrays (float[], double[], short[] for float16, int[], long[], byte[]);
 * constant inputs (axes, k) become int64 initializers.
 */
final class SingleNodeOracle {
    private final int opset;
    private final NodeProto.Builder node;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("single_node");
    private final Map<String, Object> inputs = new LinkedHashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();

    SingleNodeOracle(String opType, int opset) {
        this.opset = opset;
        this.node = NodeProto.newBuilder().setOpType(opType).setName(opType.toLowerCase());
    }

    /** A runtime input of the given element type and shape. */
    SingleNodeOracle input(String name, ElementType type, long[] dims, Object data) {
        node.addInput(name);
        graph.addInput(valueInfo(name, type, dims));
        inputs.put(name, data);
        shapes.put(name, dims);
        return this;
    }

    /** A constant int64 input, such as axes or k. */
    SingleNodeOracle constant(String name, long... values) {
        node.addInput(name);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(ElementType.INT64.code())
                .addDims(values.length).addAllInt64Data(java.util.Arrays.stream(values).boxed().toList()));
        return this;
    }

    /** An output of the given element type (its shape is left to inference). */
    SingleNodeOracle output(String name, ElementType type) {
        node.addOutput(name);
        graph.addOutput(valueInfo(name, type, null));
        return this;
    }

    SingleNodeOracle ints(String name, long... values) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS)
                .addAllInts(java.util.Arrays.stream(values).boxed().toList()));
        return this;
    }

    SingleNodeOracle integer(String name, long value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
        return this;
    }

    SingleNodeOracle string(String name, String value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(shade.com.google.protobuf.ByteString.copyFromUtf8(value)));
        return this;
    }

    private ModelProto model() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("kiln-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph.clone().addNode(node)).build();
    }

    /** Kiln's outputs, from generated code run with {@code threads} threads. */
    Object[] kiln(int threads) {
        InputBindings bindings = new InputBindings();
        shapes.forEach(bindings::shape);
        Compilation c = Compilation.of(OnnxImporter.convert(model(), "single_node.onnx", null, null), bindings,
                Set.of(), (p, g) -> { });
        LoadedModel loaded = LoadedModel.of(Generator.generate(c, GenerateOptions.defaults("single_node")));
        loaded.setThreads(threads);
        return loaded.run(inputs.values().toArray());
    }

    /** ONNX Runtime's outputs, as flat arrays of the same Java types Kiln uses. */
    Object[] onnxRuntime() {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> tensors = new ArrayList<>();
        try (OrtSession session = env.createSession(model().toByteArray(), new OrtSession.SessionOptions())) {
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : inputs.entrySet()) {
                OnnxTensor t = tensor(env, e.getValue(), shapes.get(e.getKey()), graphType(e.getKey()));
                tensors.add(t);
                feed.put(e.getKey(), t);
            }
            try (OrtSession.Result result = session.run(feed)) {
                Object[] out = new Object[result.size()];
                for (int i = 0; i < out.length; i++) {
                    out[i] = flat((OnnxTensor) result.get(i));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
    }

    private ElementType graphType(String input) {
        for (ValueInfoProto v : graph.getInputList()) {
            if (v.getName().equals(input)) {
                return ElementType.fromCode(v.getType().getTensorType().getElemType());
            }
        }
        throw new IllegalArgumentException(input);
    }

    private static OnnxTensor tensor(OrtEnvironment env, Object data, long[] dims, ElementType type)
            throws OrtException {
        return switch (type) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), dims);
            case DOUBLE -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) data), dims);
            case FLOAT16 -> OnnxTensor.createTensor(env, ShortBuffer.wrap((short[]) data), dims, OnnxJavaType.FLOAT16);
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) data), dims);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) data), dims);
            case INT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), dims, OnnxJavaType.INT8);
            case UINT8 -> OnnxTensor.createTensor(env, ByteBuffer.wrap((byte[]) data), dims, OnnxJavaType.UINT8);
            default -> throw new IllegalArgumentException("no ONNX Runtime tensor for " + type);
        };
    }

    private static Object flat(OnnxTensor t) {
        switch (t.getInfo().type) {
            case FLOAT -> {
                FloatBuffer b = t.getFloatBuffer();
                float[] a = new float[b.remaining()];
                b.get(a);
                return a;
            }
            case DOUBLE -> {
                DoubleBuffer b = t.getDoubleBuffer();
                double[] a = new double[b.remaining()];
                b.get(a);
                return a;
            }
            case FLOAT16 -> {
                ShortBuffer b = t.getShortBuffer();
                short[] a = new short[b.remaining()];
                b.get(a);
                return a;
            }
            case INT32 -> {
                IntBuffer b = t.getIntBuffer();
                int[] a = new int[b.remaining()];
                b.get(a);
                return a;
            }
            case INT64 -> {
                LongBuffer b = t.getLongBuffer();
                long[] a = new long[b.remaining()];
                b.get(a);
                return a;
            }
            case INT8, UINT8 -> {
                ByteBuffer b = t.getByteBuffer();
                byte[] a = new byte[b.remaining()];
                b.get(a);
                return a;
            }
            default -> throw new IllegalArgumentException("no flat array for " + t.getInfo().type);
        }
    }

    private static ValueInfoProto valueInfo(String name, ElementType type, long[] dims) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(type.code());
        if (dims != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (long d : dims) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            t.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }
}
