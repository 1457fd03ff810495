package dev.kiln.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
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
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        List<OnnxTensor> created = new ArrayList<>();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = OrtSessions.open(env, model, options)) {
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
            try (OrtSession.Result result = session.run(feed)) {
                List<float[]> out = new ArrayList<>();
                for (String name : outputs) {
                    Optional<OnnxValue> value = result.get(name);
                    out.add(value.isPresent() ? floats(value.get()) : null);
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
}
