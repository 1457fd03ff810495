package dev.kiln.cli;

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
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.TensorProtos;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Runs a model file with ONNX Runtime on the inputs Kiln ran it on, for {@code kiln verify}. */
final class OnnxRuntimeReference {
    private OnnxRuntimeReference() {
    }

    /**
     * @param runtimeInputs the Kiln model's run-time inputs and their data, in graph order
     * @param constants the inputs bound with --const, which ONNX Runtime must be given too
     * @param outputs the names of the outputs wanted
     * @return each wanted output as float32, or null where ONNX Runtime's output is not float
     */
    static List<float[]> run(Path model, List<Value> runtimeInputs, float[][] data, Map<String, Tensor> constants,
                             List<String> outputs) {
        return run(model, runtimeInputs, data, constants, outputs, false, OnnxRuntimeReference::floats);
    }

    /**
     * Like {@link #run(Path, List, float[][], Map, List)}, with {@code values} naming values the
     * model computes inside, not only its outputs: they are added as graph outputs on a copy of it.
     *
     * @return each wanted value as a tensor of its element type, or null where ONNX Runtime did not
     *         return a tensor of a type Kiln holds
     */
    static List<Tensor> runIntermediates(Path model, List<Value> runtimeInputs, float[][] data,
                                         Map<String, Tensor> constants, List<String> values) {
        return run(model, runtimeInputs, data, constants, values, true, OnnxRuntimeReference::tensor);
    }

    private static <T> List<T> run(Path model, List<Value> runtimeInputs, float[][] data, Map<String, Tensor> constants,
                                   List<String> outputs, boolean intermediates, Function<OnnxValue, T> read) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> created = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = intermediates ? OrtSessions.openWithOutputs(env, model, options, outputs)
                     : OrtSessions.open(env, model, options)) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            for (int i = 0; i < runtimeInputs.size(); i++) {
                Value v = runtimeInputs.get(i);
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data[i]), v.type().dims());
                created.add(t);
                feed.put(v.name(), t);
            }
            for (Map.Entry<String, Tensor> c : constants.entrySet()) {
                OnnxTensor t = tensor(env, c.getKey(), c.getValue());
                created.add(t);
                feed.put(c.getKey(), t);
            }
            try (OrtSession.Result result = intermediates ? session.run(feed, new java.util.HashSet<>(outputs))
                    : session.run(feed)) {
                List<T> out = new ArrayList<>();
                for (String name : outputs) {
                    Optional<OnnxValue> value = result.get(name);
                    out.add(value.isPresent() ? read.apply(value.get()) : null);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new KilnException("ONNX Runtime cannot run " + model + ": " + e.getMessage(), e);
        } finally {
            created.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor tensor(OrtEnvironment env, String name, Tensor t) throws OrtException {
        long[] dims = t.type().dims();
        return switch (t.elementType()) {
            case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) t.data()), dims);
            case DOUBLE -> OnnxTensor.createTensor(env, DoubleBuffer.wrap((double[]) t.data()), dims);
            case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap((long[]) t.data()), dims);
            case INT32 -> OnnxTensor.createTensor(env, IntBuffer.wrap((int[]) t.data()), dims);
            default -> throw new KilnException("--const " + name + ": verify cannot hand a "
                    + t.elementType().onnxName() + " tensor to ONNX Runtime (float, double, int32, int64 only)");
        };
    }

    private static float[] floats(OnnxValue value) {
        if (!(value instanceof OnnxTensor t) || t.getInfo().type != ai.onnxruntime.OnnxJavaType.FLOAT) {
            return null;
        }
        FloatBuffer b = t.getFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }

    /**
     * ONNX Runtime's name of an element type as Kiln's, or null: by name, because the Java API
     * numbers them its own way ({@code OnnxTensorType.value} is not ONNX's data type code).
     */
    private static ElementType elementType(TensorInfo.OnnxTensorType type) {
        String prefix = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";
        for (ElementType e : ElementType.values()) {
            if (type.name().equals(prefix + e.name())) {
                return e;
            }
        }
        return null;
    }

    /** A tensor ONNX Runtime returned, as Kiln holds one of its element type; null for other values. */
    private static Tensor tensor(OnnxValue value) {
        if (!(value instanceof OnnxTensor t) || t.getInfo().type == OnnxJavaType.STRING) {
            return null;
        }
        ElementType type = elementType(t.getInfo().onnxType);
        if (type == null || !type.isSupported()) {
            return null;
        }
        // getByteBuffer copies the tensor's bytes as they are in memory: in the platform's order.
        return TensorProtos.fromBytes(new TensorType(type, t.getInfo().getShape()), t.getByteBuffer(),
                ByteOrder.nativeOrder(), "ONNX Runtime's value");
    }
}
