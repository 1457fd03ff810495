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
 */
final class OrtBench implements AutoCloseable {
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
