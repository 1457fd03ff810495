package dev.kiln.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.compiler.ir.Value;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ONNX Runtime as {@code kiln bench} runs it beside Kiln: all graph optimisations,
 * {@code threads} intra-op threads, one inter-op thread, the same input data.
 *
 * <p>Its intra-op threads spin while a run lasts (its default, its fastest), and stop
 * spinning when the run ends ({@value #FORCE_SPINNING_STOP}). Left to its default they spin
 * on after a run, longer than the pause between the engines, on the core Kiln's next run
 * needs. Measured on LowFormer-B0, 2 threads, 2 cores, Temurin 25, alternating: Kiln 30-32 ms
 * beside ONNX Runtime's default (also with a 50 ms pause), 19-22 ms with its threads stopped;
 * ONNX Runtime 19-22 ms either way. Only back to back, with no other engine between its runs,
 * does ONNX Runtime gain from the spinning (16.5 vs 18.5-20 ms).
 */
final class OrtBench implements AutoCloseable {
    /** ONNX Runtime's session option: its threads stop spinning when a run ends. */
    static final String FORCE_SPINNING_STOP = "session.force_spinning_stop";

    final double sessionMs;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final Map<String, OnnxTensor> feed = new HashMap<>();

    OrtBench(Path model, List<Value> inputs, float[][] data, int threads) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        options.addConfigEntry(FORCE_SPINNING_STOP, "1");
        long start = System.nanoTime();
        session = OrtSessions.open(env, model, options);
        sessionMs = (System.nanoTime() - start) / 1e6;
        for (int i = 0; i < inputs.size(); i++) {
            feed.put(inputs.get(i).name(),
                    OnnxTensor.createTensor(env, FloatBuffer.wrap(data[i]), inputs.get(i).type().dims()));
        }
    }

    /** One run, in milliseconds. */
    double timeOnce() throws OrtException {
        long start = System.nanoTime();
        try (OrtSession.Result ignored = session.run(feed)) {
            return (System.nanoTime() - start) / 1e6;
        }
    }

    @Override
    public void close() throws OrtException {
        feed.values().forEach(OnnxTensor::close);
        session.close();
        options.close();
    }
}
