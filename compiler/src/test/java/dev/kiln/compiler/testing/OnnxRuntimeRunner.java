package dev.kiln.compiler.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a model with ONNX Runtime, the reference the tests compare against. Graph
 * optimisations are off, so ONNX Runtime computes exactly the nodes it is given.
 */
public final class OnnxRuntimeRunner {
    private OnnxRuntimeRunner() {
    }

    /** A float input: its data and shape. */
    public record Input(String name, float[] data, long... shape) {
    }

    /** An output: its data and shape. */
    public record Output(float[] data, long[] shape) {
    }

    /** Every float output of {@code model}, in graph order. */
    public static List<Output> run(byte[] model, Input... inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            Map<String, OnnxTensor> feed = new LinkedHashMap<>();
            try (OrtSession session = env.createSession(model, options)) {
                for (Input in : inputs) {
                    feed.put(in.name(), OnnxTensor.createTensor(env, FloatBuffer.wrap(in.data()), in.shape()));
                }
                try (OrtSession.Result result = session.run(feed)) {
                    List<Output> outputs = new ArrayList<>();
                    for (Map.Entry<String, OnnxValue> e : result) {
                        OnnxTensor t = (OnnxTensor) e.getValue();
                        FloatBuffer b = t.getFloatBuffer();
                        float[] f = new float[b.remaining()];
                        b.get(f);
                        outputs.add(new Output(f, t.getInfo().getShape()));
                    }
                    return outputs;
                }
            } finally {
                feed.values().forEach(OnnxTensor::close);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime: " + e.getMessage(), e);
        }
    }

    /** max |a - b| / max(1, max |b|), the error measure the tests bound. */
    public static double relativeError(float[] actual, float[] reference) {
        if (actual.length != reference.length) {
            throw new AssertionError(actual.length + " values, expected " + reference.length);
        }
        double worst = 0;
        double scale = 1;
        for (int i = 0; i < actual.length; i++) {
            if (Float.compare(actual[i], reference[i]) == 0) {
                continue; // also the same infinity, or both NaN
            }
            if (!Float.isFinite(actual[i]) || !Float.isFinite(reference[i])) {
                return Double.POSITIVE_INFINITY;
            }
            worst = Math.max(worst, Math.abs((double) actual[i] - reference[i]));
            scale = Math.max(scale, Math.abs(reference[i]));
        }
        return worst / scale;
    }
}
