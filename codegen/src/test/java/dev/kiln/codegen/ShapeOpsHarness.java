package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.OnnxImporter;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One-node ONNX models built in code, run by Kiln (through the whole path: passes, java
 * back end, javac) and by ONNX Runtime, with the outputs compared bit for bit: the
 * data-movement ops copy elements, so any difference is a bug.
 */
final class ShapeOpsHarness {
    private ShapeOpsHarness() {
    }

    /** A one-node model: runtime inputs, constant inputs (initializers), attributes, outputs. */
    static final class Case {
        private final String op;
        private final int opset;
        private final List<String> nodeInputs = new ArrayList<>();
        private final Map<String, Tensor> runtimeInputs = new LinkedHashMap<>();
        private final Map<String, Tensor> constants = new LinkedHashMap<>();
        private final List<AttributeProto> attributes = new ArrayList<>();
        private int outputs = 1;

        Case(String op, int opset) {
            this.op = op;
            this.opset = opset;
        }

        /** The next node input, given at run time. */
        Case input(Tensor value) {
            String name = "in" + nodeInputs.size();
            nodeInputs.add(name);
            runtimeInputs.put(name, value);
            return this;
        }

        /** The next node input, an initializer (so Kiln reads it at compile time). */
        Case constant(Tensor value) {
            String name = "in" + nodeInputs.size();
            nodeInputs.add(name);
            constants.put(name, value);
            return this;
        }

        /** The next node input is omitted. */
        Case omitted() {
            nodeInputs.add("");
            return this;
        }

        Case attr(String name, long value) {
            attributes.add(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
                    .setI(value).build());
            return this;
        }

        Case attr(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            attributes.add(a.build());
            return this;
        }

        Case attr(String name, float value) {
            attributes.add(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                    .setF(value).build());
            return this;
        }

        Case attr(String name, String value) {
            attributes.add(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8(value)).build());
            return this;
        }

        Case outputs(int n) {
            this.outputs = n;
            return this;
        }

        String describe() {
            return op + " (opset " + opset + ")";
        }

        ModelProto model() {
            ElementType type = (runtimeInputs.isEmpty() ? constants : runtimeInputs).values().iterator().next()
                    .elementType();
            NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName("node").addAllInput(nodeInputs)
                    .addAllAttribute(attributes);
            GraphProto.Builder g = GraphProto.newBuilder().setName("case");
            for (Map.Entry<String, Tensor> e : runtimeInputs.entrySet()) {
                g.addInput(valueInfo(e.getKey(), e.getValue().type()));
            }
            for (Map.Entry<String, Tensor> e : constants.entrySet()) {
                g.addInitializer(tensorProto(e.getKey(), e.getValue()));
            }
            for (int i = 0; i < outputs; i++) {
                node.addOutput("out" + i);
                g.addOutput(ValueInfoProto.newBuilder().setName("out" + i).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.code()))));
            }
            g.addNode(node);
            return ModelProto.newBuilder().setIrVersion(10).setProducerName("kiln-test")
                    .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset)).setGraph(g)
                    .build();
        }
    }

    /** Runs the case with Kiln and ONNX Runtime and checks every output is identical. */
    static void assertSameAsOnnxRuntime(Case c) {
        List<Tensor> expected = onnxRuntime(c);
        List<Tensor> actual = kiln(c);
        assertEquals(expected.size(), actual.size(), c.describe() + ": output count");
        for (int i = 0; i < expected.size(); i++) {
            Tensor e = expected.get(i);
            Tensor a = actual.get(i);
            assertEquals(e.type(), a.type(), c.describe() + ": type of output " + i);
            assertTrue(e.contentEquals(a), c.describe() + ": output " + i + " differs: expected " + e + ", got " + a);
        }
    }

    /** Kiln's outputs, run on three threads so that kernels split into several work ranges are exercised. */
    static List<Tensor> kiln(Case c) {
        ModelProto proto = c.model();
        Compilation compilation = Compilation.of(OnnxImporter.convert(proto, "case.onnx", "0", null),
                new InputBindings(), Set.of(), (p, g) -> { });
        GeneratedModel generated = Generator.generate(compilation, GenerateOptions.defaults("case.onnx"));
        LoadedModel model = LoadedModel.of(generated);
        model.setThreads(3);
        Object[] out = model.run(c.runtimeInputs.values().stream().map(Tensor::data).toArray());
        List<Tensor> result = new ArrayList<>();
        for (int i = 0; i < out.length; i++) {
            result.add(new Tensor(compilation.model().graph().outputs().get(i).type(), out[i]));
        }
        return result;
    }

    static List<Tensor> onnxRuntime(Case c) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            for (Map.Entry<String, Tensor> e : c.runtimeInputs.entrySet()) {
                inputs.put(e.getKey(), ortTensor(env, e.getValue()));
            }
            try (OrtSession session = env.createSession(c.model().toByteArray(), options);
                 OrtSession.Result result = session.run(inputs)) {
                List<Tensor> out = new ArrayList<>();
                for (Map.Entry<String, OnnxValue> e : result) {
                    out.add(fromOrt((OnnxTensor) e.getValue()));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException(c.describe() + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static ValueInfoProto valueInfo(String name, TensorType type) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : type.dims()) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(type.elementType().code()).setShape(shape))).build();
    }

    private static TensorProto tensorProto(String name, Tensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.elementType().code());
        for (long d : t.type().dims()) {
            b.addDims(d);
        }
        if (t.elementType() == ElementType.STRING) {
            for (String s : (String[]) t.data()) {
                b.addStringData(ByteString.copyFromUtf8(s));
            }
        } else {
            b.setRawData(ByteString.copyFrom(bytes(t, ByteOrder.LITTLE_ENDIAN)));
        }
        return b.build();
    }

    private static OnnxTensor ortTensor(OrtEnvironment env, Tensor t) throws OrtException {
        long[] shape = t.type().dims();
        OnnxJavaType type = switch (t.elementType()) {
            case FLOAT -> OnnxJavaType.FLOAT;
            case DOUBLE -> OnnxJavaType.DOUBLE;
            case INT64 -> OnnxJavaType.INT64;
            case INT32 -> OnnxJavaType.INT32;
            case INT16 -> OnnxJavaType.INT16;
            case INT8 -> OnnxJavaType.INT8;
            case UINT8 -> OnnxJavaType.UINT8;
            case BOOL -> OnnxJavaType.BOOL;
            case FLOAT16 -> OnnxJavaType.FLOAT16;
            case BFLOAT16 -> OnnxJavaType.BFLOAT16;
            case STRING -> OnnxJavaType.STRING;
            default -> throw new IllegalArgumentException("ONNX Runtime's Java API has no " + t.elementType());
        };
        if (type == OnnxJavaType.STRING) {
            return OnnxTensor.createTensor(env, (String[]) t.data(), shape);
        }
        byte[] raw = bytes(t, ByteOrder.nativeOrder());
        ByteBuffer direct = ByteBuffer.allocateDirect(raw.length).order(ByteOrder.nativeOrder());
        direct.put(raw).rewind();
        return OnnxTensor.createTensor(env, direct, shape, type);
    }

    private static Tensor fromOrt(OnnxTensor t) throws OrtException {
        ai.onnxruntime.TensorInfo info = t.getInfo();
        ElementType type = ElementType.valueOf(info.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", ""));
        TensorType tt = new TensorType(type, info.getShape());
        if (type == ElementType.STRING) {
            List<String> flat = new ArrayList<>();
            flatten(t.getValue(), flat);
            return new Tensor(tt, flat.toArray(new String[0]));
        }
        ByteBuffer b = t.getByteBuffer().order(ByteOrder.nativeOrder());
        Object data = type.storage().newArray(tt.intSize());
        for (int i = 0; i < tt.intSize(); i++) {
            switch (type.storage()) {
                case FLOAT -> ((float[]) data)[i] = b.getFloat();
                case DOUBLE -> ((double[]) data)[i] = b.getDouble();
                case LONG -> ((long[]) data)[i] = b.getLong();
                case INT -> ((int[]) data)[i] = b.getInt();
                case SHORT -> ((short[]) data)[i] = b.getShort();
                case BYTE -> ((byte[]) data)[i] = b.get();
                case BOOLEAN -> ((boolean[]) data)[i] = b.get() != 0;
                default -> throw new IllegalArgumentException(type.toString());
            }
        }
        return new Tensor(tt, data);
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

    /** The tensor's elements as bytes in the given order (bool as one byte 0/1). */
    private static byte[] bytes(Tensor t, ByteOrder order) {
        int width = t.elementType().storage().bytes();
        ByteBuffer b = ByteBuffer.allocate(t.size() * width).order(order);
        Object d = t.data();
        for (int i = 0; i < t.size(); i++) {
            switch (t.elementType().storage()) {
                case FLOAT -> b.putFloat(((float[]) d)[i]);
                case DOUBLE -> b.putDouble(((double[]) d)[i]);
                case LONG -> b.putLong(((long[]) d)[i]);
                case INT -> b.putInt(((int[]) d)[i]);
                case SHORT -> b.putShort(((short[]) d)[i]);
                case BYTE -> b.put(((byte[]) d)[i]);
                case BOOLEAN -> b.put((byte) (((boolean[]) d)[i] ? 1 : 0));
                default -> throw new IllegalArgumentException(t.elementType().toString());
            }
        }
        return b.array();
    }

    /** A tensor of the given type and shape holding 0, 1, 2, ... (wrapped to the type; strings "s0", "s1"...). */
    static Tensor iota(ElementType type, long... dims) {
        TensorType tt = new TensorType(type, dims);
        if (type == ElementType.STRING) {
            String[] s = new String[tt.intSize()];
            for (int i = 0; i < s.length; i++) {
                s[i] = "s" + i;
            }
            return new Tensor(tt, s);
        }
        if (type == ElementType.BOOL) {
            boolean[] b = new boolean[tt.intSize()];
            for (int i = 0; i < b.length; i++) {
                b[i] = i % 3 == 0;
            }
            return new Tensor(tt, b);
        }
        long[] values = new long[tt.intSize()];
        for (int i = 0; i < values.length; i++) {
            values[i] = type.isFloat() ? i % 2048 : i;
        }
        return Tensor.fromLongs(tt, values);
    }

    /** A scalar (rank 0) or vector of the given type, from doubles. */
    static Tensor values(ElementType type, long[] dims, double... v) {
        return Tensor.fromDoubles(new TensorType(type, dims), v);
    }

    static Tensor longs(long... v) {
        return Tensor.vector(v);
    }
}
