package dev.kiln.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code kiln bench MODEL} run measured: the JSON it prints with {@code --json},
 * which {@code kiln bench --suite} reads back from the child JVMs it starts.
 *
 * @param model the model file
 * @param target the back end
 * @param cpu the CPU profile the code was shaped for ({@code --cpu})
 * @param java the JVM's name and version
 * @param javaVendor the JVM's vendor ({@code java.vendor})
 * @param javaRuntime the full runtime version ({@code java.runtime.version})
 * @param macs multiply-accumulates per call ({@link dev.kiln.compiler.Compilation#macs}; the whole batch)
 * @param compileMs Kiln's compile: import, passes, memory plan and source (the weight file is not written)
 * @param javacMs javac of the generated source, in process
 * @param loadMs the generated {@code load(Path)}, the first call in the process
 * @param onnxruntimeSessionMs ONNX Runtime's first session creation (null without ONNX Runtime)
 * @param arenaBytes the planned arenas per calling thread
 * @param intermediateBytes every value written into an arena, summed as if each had its own array
 */
record BenchReport(String model, String target, String cpu, String java, String javaVendor, String javaRuntime, int cpus,
                   int warmup, int runs, long macs, double compileMs, double javacMs, double loadMs,
                   Double onnxruntimeSessionMs, long arenaBytes, long intermediateBytes, List<Result> results) {

    /**
     * One engine's measured runs at one thread count, in milliseconds.
     *
     * @param allocatedBytesPerCall Java heap bytes allocated per call by all threads (Kiln only)
     */
    record Latency(double medianMs, double minMs, double p90Ms, Long allocatedBytesPerCall) {
        static Latency of(double[] ms, Long allocatedBytesPerCall) {
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Latency(median, sorted[0], sorted[(int) Math.ceil(0.9 * n) - 1], allocatedBytesPerCall);
        }

        /** GFLOP/s at the median: 2 x MACs per call over the median time. */
        double gflops(long macs) {
            return 2.0 * macs / (medianMs * 1e6);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("medianMs", medianMs);
            m.put("minMs", minMs);
            m.put("p90Ms", p90Ms);
            if (allocatedBytesPerCall != null) {
                m.put("allocatedBytesPerCall", allocatedBytesPerCall);
            }
            return m;
        }
    }

    /** Both engines at one thread count; {@code onnxruntime} and {@code ratio} are null with --no-onnxruntime. */
    record Result(int threads, Latency kiln, Latency onnxruntime, Double ratio) {
        static Result of(int threads, Latency kiln, Latency onnxruntime) {
            return new Result(threads, kiln, onnxruntime,
                    onnxruntime == null ? null : kiln.medianMs() / onnxruntime.medianMs());
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("threads", threads);
            m.put("kiln", kiln.toJson());
            if (onnxruntime != null) {
                m.put("onnxruntime", onnxruntime.toJson());
                m.put("ratio", ratio);
            }
            return m;
        }
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("target", target);
        m.put("cpu", cpu);
        m.put("java", java);
        m.put("javaVendor", javaVendor);
        m.put("javaRuntime", javaRuntime);
        m.put("cpus", cpus);
        m.put("warmup", warmup);
        m.put("runs", runs);
        m.put("macs", macs);
        m.put("compileMs", compileMs);
        m.put("javacMs", javacMs);
        m.put("loadMs", loadMs);
        m.put("onnxruntimeSessionMs", onnxruntimeSessionMs);
        m.put("arenaBytes", arenaBytes);
        m.put("intermediateBytes", intermediateBytes);
        m.put("results", results.stream().map(Result::toJson).toList());
        return m;
    }
}
