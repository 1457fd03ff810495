package dev.kiln.codegen;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model with ONNX Runtime, the reference Kiln's outputs are compared with, on one
 * intra-op thread. Inputs and outputs are Kiln {@link Tensor}s of the types ONNX
 * Runtime's Java API can create (float, double, float16, bfloat16, int8/16/32/64, uint8,
 * bool, string); other types are reached with Cast nodes inside the graph.
 */
final class OrtRunner {
    private OrtRunner() {
    }

    /** ONNX Runtime's outputs for {@code inputs}, given in graph input order. */
    static List<Tensor> run(ModelProto model, List<Tensor> inputs) {
        byte[] bytes = model.toByteArray();
        return run((env, options) -> env.createSession(bytes, options), inputs);
    }

    /** The same for a model file (read by ONNX Runtime itself: big models, external data). */
    static List<Tensor> run(Path model, List<Tensor> inputs) {
        return run((env, options) -> env.createSession(model.toString(), options), inputs);
    }

    /** Opens the session, from bytes or from a file. */
    private interface SessionSource {
        OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    private static List<Tensor> run(SessionSource source, List<Tensor> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            try (OrtSession session = source.open(env, options)) {
                Iterator<String> names = session.getInputNames().iterator();
                for (Tensor t : inputs) {
                    feed.put(names.next(), toOrt(env, t));
                }
                try (OrtSession.Result result = session.run(feed)) {
                    List<Tensor> out = new ArrayList<>();
                    for (Map.Entry<String, OnnxValue> e : result) {
                        out.add(fromOrt((OnnxTensor) e.getValue()));
                    }
                    return out;
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor toOrt(OrtEnvironment env, Tensor t) throws OrtException {
        long[] shape = t.type().dims();
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
            case STRING -> OnnxJavaType.STRING;
            default -> throw new IllegalArgumentException("ONNX Runtime's Java API cannot create " + t.elementType());
        };
        if (type == OnnxJavaType.STRING) {
            return OnnxTensor.createTensor(env, (String[]) t.data(), shape);
        }
        ByteBuffer heap = OnnxGraph.bytes(t, ByteOrder.nativeOrder());
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.capacity()).order(ByteOrder.nativeOrder());
        direct.put(heap).rewind();
        return OnnxTensor.createTensor(env, direct, shape, type);
    }

    private static Tensor fromOrt(OnnxTensor t) throws OrtException {
        TensorInfo info = t.getInfo();
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
}
