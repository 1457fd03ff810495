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
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import shade.com.google.protobuf.ByteString;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.TensorProtos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small ONNX graphs built in code and run twice: by Kiln (generated Java, compiled in
 * process) and by ONNX Runtime, for tests that compare the two on inputs the node tests
 * do not cover. Inputs are Kiln {@link Tensor}s of types ONNX Runtime's Java API can
 * create (float, double, float16, bfloat16, int8/16/32/64, uint8, bool, string); other
 * types are reached with Cast nodes inside the graph.
 */
final class OrtGraphs {
    private final int opset;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("g");
    private final Map<String, Tensor> inputs = new LinkedHashMap<>();

    OrtGraphs(int opset) {
        this.opset = opset;
    }

    /** Declares graph input {@code name} with this value. */
    OrtGraphs input(String name, Tensor value) {
        inputs.put(name, value);
        graph.addInput(valueInfo(name, value.elementType(), value.type().dims()));
        return this;
    }

    /** Adds an int64 initializer: a constant Kiln folds through. */
    OrtGraphs initializer(String name, long[] dims, long... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(ElementType.INT64.code());
        for (long d : dims) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return this;
    }

    /** Adds a node; attributes are name/value pairs (Long, Float or String values). */
    OrtGraphs node(String op, List<String> ins, String out, Object... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).addAllInput(ins).addOutput(out);
        for (int i = 0; i < attributes.length; i += 2) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName((String) attributes[i]);
            Object v = attributes[i + 1];
            if (v instanceof Float f) {
                a.setType(AttributeProto.AttributeType.FLOAT).setF(f);
            } else if (v instanceof String s) {
                a.setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
            } else {
                a.setType(AttributeProto.AttributeType.INT).setI(((Number) v).longValue());
            }
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    /** Declares graph output {@code name} of element type {@code t}. */
    OrtGraphs output(String name, ElementType t) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.code()))));
        return this;
    }

    private static ValueInfoProto valueInfo(String name, ElementType t, long[] dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(t.code()).setShape(shape))).build();
    }

    /** Writes the model into {@code dir}. */
    Path write(Path dir) {
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("kiln-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
        Path file = dir.resolve("model_" + System.nanoTime() + ".onnx");
        try {
            Files.write(file, model.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Kiln's outputs, with {@code threads} worker threads. */
    List<Tensor> runKiln(Path dir, int threads) {
        Compilation c = Compilation.of(write(dir), new InputBindings());
        LoadedModel loaded = LoadedModel.of(Generator.generate(c, GenerateOptions.defaults("binary_test.onnx")));
        loaded.setThreads(threads);
        Object[] outs = loaded.run(inputs.values().stream().map(Tensor::data).toArray());
        List<Tensor> result = new ArrayList<>();
        for (int i = 0; i < outs.length; i++) {
            result.add(new Tensor(c.model().graph().outputs().get(i).type(), outs[i]));
        }
        return result;
    }

    /** ONNX Runtime's outputs. */
    List<Tensor> runOrt(Path dir) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path file = write(dir);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(file.toString(), options)) {
                Map<String, OnnxTensor> feeds = new LinkedHashMap<>();
                try {
                    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
                        feeds.put(e.getKey(), toOrt(env, e.getValue()));
                    }
                    try (OrtSession.Result result = session.run(feeds)) {
                        List<Tensor> out = new ArrayList<>();
                        for (Map.Entry<String, OnnxValue> e : result) {
                            out.add(fromOrt((OnnxTensor) e.getValue()));
                        }
                        return out;
                    }
                } finally {
                    feeds.values().forEach(OnnxTensor::close);
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
        long[] shape = t.type().dims();
        if (t.elementType() == ElementType.STRING) {
            return OnnxTensor.createTensor(env, (String[]) t.data(), shape);
        }
        OnnxJavaType type = switch (t.elementType()) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case INT16 -> OnnxJavaType.INT16;
            case INT32 -> OnnxJavaType.INT32;
            case INT64 -> OnnxJavaType.INT64;
            case BOOL -> OnnxJavaType.BOOL;
            default -> throw new IllegalArgumentException("ONNX Runtime's Java API cannot create " + t.elementType());
        };
        return OnnxTensor.createTensor(env, littleEndian(t), shape, type);
    }

    /** The tensor's elements as little-endian bytes in a direct buffer. */
    private static ByteBuffer littleEndian(Tensor t) {
        Object data = t.data();
        int n = Array.getLength(data);
        int bytes = t.elementType() == ElementType.BOOL ? 1 : t.elementType().storage().bytes();
        ByteBuffer b = ByteBuffer.allocateDirect(n * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            Object v = Array.get(data, i);
            if (v instanceof Float f) {
                b.putFloat(f);
            } else if (v instanceof Double d) {
                b.putDouble(d);
            } else if (v instanceof Long l) {
                b.putLong(l);
            } else if (v instanceof Integer x) {
                b.putInt(x);
            } else if (v instanceof Short s) {
                b.putShort(s);
            } else if (v instanceof Byte x) {
                b.put(x);
            } else {
                b.put((byte) ((Boolean) v ? 1 : 0));
            }
        }
        return b.rewind();
    }

    private static Tensor fromOrt(OnnxTensor t) throws OrtException {
        String name = t.getInfo().onnxType.name(); // ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16...
        int code = ElementType.valueOf(name.substring(name.lastIndexOf('_') + 1)).code();
        TensorProto.Builder p = TensorProto.newBuilder().setDataType(code);
        for (long d : t.getInfo().getShape()) {
            p.addDims(d);
        }
        if (code == ElementType.STRING.code()) {
            List<String> strings = new ArrayList<>();
            flatten(t.getValue(), strings);
            strings.forEach(s -> p.addStringData(ByteString.copyFrom(s, StandardCharsets.UTF_8)));
        } else {
            p.setRawData(ByteString.copyFrom(t.getByteBuffer()));
        }
        return TensorProtos.decode(p.build(), null);
    }

    private static void flatten(Object value, List<String> out) {
        if (value instanceof String s) {
            out.add(s);
        } else {
            for (int i = 0; i < Array.getLength(value); i++) {
                flatten(Array.get(value, i), out);
            }
        }
    }
}
