package dev.kiln.cli;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Value;
import java.io.PrintWriter;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln bench}: the latency of the generated code beside ONNX Runtime's, on the
 * same input, in the same process, with the same thread count, runs alternating so
 * that both see the same machine state.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Measure the latency of a model compiled by Kiln beside ONNX Runtime's on the same input "
                + "(seeded random), in one process, alternating runs, for each thread count.",
            "Prints median, minimum and 90th percentile in milliseconds and the ratio of the medians."})
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The ONNX model file.")
    private Path model;

    @Option(names = "--threads", paramLabel = "N[,N...]", split = ",", defaultValue = "1",
            description = "Thread counts to measure, for both engines (default: ${DEFAULT-VALUE}).")
    private List<Integer> threads;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "5",
            description = "Unmeasured runs per engine first (default: ${DEFAULT-VALUE}).")
    private int warmup;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "15",
            description = "Measured runs per engine (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the random input.")
    private long seed;

    @Option(names = "--no-onnxruntime", description = "Measure Kiln only.")
    private boolean noOnnxRuntime;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @CommandLine.Mixin
    private TargetOption target;

    @CommandLine.Mixin
    private BindingOptions binding;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || warmup < 0 || threads.stream().anyMatch(t -> t < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--runs must be >= 1, --warmup >= 0 and every --threads value >= 1");
        }
        GeneratedModel g = ModelCompiler.compile(model, binding, target);
        Graph graph = g.compilation().model().graph();
        float[][] data = ModelInputs.random(graph, seed);
        KilnRunner kiln = new KilnRunner(LoadedModel.of(g), data, graph);
        List<Result> results = new ArrayList<>();
        for (int t : threads) {
            kiln.model.setThreads(t);
            try (OrtRunner ort = noOnnxRuntime ? null : new OrtRunner(model, graph.inputs(), data, t)) {
                double[] kilnMs = new double[runs];
                double[] ortMs = new double[runs];
                for (int i = -warmup; i < runs; i++) {
                    double k = kiln.timeOnce();
                    double o = ort == null ? 0 : ort.timeOnce();
                    if (i >= 0) {
                        kilnMs[i] = k;
                        ortMs[i] = o;
                    }
                }
                results.add(new Result(t, Latency.of(kilnMs), ort == null ? null : Latency.of(ortMs)));
            }
        }
        print(results, g);
        return 0;
    }

    private void print(List<Result> results, GeneratedModel g) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("target", target.target());
            m.put("cpu", g.compilation().profile().name());
            m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            m.put("cpus", Runtime.getRuntime().availableProcessors());
            m.put("warmup", warmup);
            m.put("runs", runs);
            m.put("results", results.stream().map(Result::toJson).toList());
            out.println(Json.write(m));
        } else {
            out.printf("bench %s (%s), %s %s, %d warm-up and %d measured runs each, alternating%n", model,
                    g.qualifiedName(), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                    warmup, runs);
            out.printf("%8s  %-12s %10s %10s %10s%n", "threads", "engine", "median ms", "min ms", "p90 ms");
            for (Result r : results) {
                row(out, r.threads(), "kiln", r.kiln());
                if (r.onnxRuntime() != null) {
                    row(out, r.threads(), "onnxruntime", r.onnxRuntime());
                    out.printf("%8s  kiln / onnxruntime = %.2f%n", "", r.ratio());
                }
            }
        }
        out.flush();
    }

    private static void row(PrintWriter out, int threads, String engine, Latency l) {
        out.printf("%8d  %-12s %10.2f %10.2f %10.2f%n", threads, engine, l.medianMs(), l.minMs(), l.p90Ms());
    }

    /** One engine's measured runs at one thread count, in milliseconds. */
    private record Latency(double medianMs, double minMs, double p90Ms) {
        static Latency of(double[] ms) {
            double[] sorted = ms.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            return new Latency(median, sorted[0], sorted[(int) Math.ceil(0.9 * n) - 1]);
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("medianMs", medianMs);
            m.put("minMs", minMs);
            m.put("p90Ms", p90Ms);
            return m;
        }
    }

    /** Both engines at one thread count; {@code onnxRuntime} is null with --no-onnxruntime. */
    private record Result(int threads, Latency kiln, Latency onnxRuntime) {
        double ratio() {
            return kiln.medianMs() / onnxRuntime.medianMs();
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("threads", threads);
            m.put("kiln", kiln.toJson());
            if (onnxRuntime != null) {
                m.put("onnxruntime", onnxRuntime.toJson());
                m.put("ratio", ratio());
            }
            return m;
        }
    }

    /** Times the generated class, through {@code run(float[], float[])} (no allocation) when it has one. */
    private static final class KilnRunner {
        final LoadedModel model;
        private final float[][] data;
        private final MethodHandle runInto;
        private final float[] output;

        KilnRunner(LoadedModel model, float[][] data, Graph graph) throws ReflectiveOperationException {
            this.model = model;
            this.data = data;
            Value out = graph.outputs().get(0);
            boolean simple = data.length == 1 && graph.outputs().size() == 1
                    && out.type().elementType() == ElementType.FLOAT;
            this.output = simple ? new float[out.type().intSize()] : null;
            this.runInto = simple ? MethodHandles.publicLookup()
                    .findVirtual(model.instance().getClass(), "run",
                            MethodType.methodType(void.class, float[].class, float[].class))
                    .bindTo(model.instance()) : null;
        }

        double timeOnce() {
            long start = System.nanoTime();
            if (runInto != null) {
                try {
                    runInto.invokeExact(data[0], output);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Throwable e) {
                    throw new IllegalStateException(e);
                }
            } else {
                model.run((Object[]) data);
            }
            return (System.nanoTime() - start) / 1e6;
        }
    }

    /** Times ONNX Runtime with all graph optimisations and {@code threads} intra-op threads. */
    private static final class OrtRunner implements AutoCloseable {
        private final OrtSession session;
        private final OrtSession.SessionOptions options;
        private final Map<String, OnnxTensor> feed = new HashMap<>();

        OrtRunner(Path model, List<Value> inputs, float[][] data, int threads) throws OrtException {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            options = new OrtSession.SessionOptions();
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            session = env.createSession(model.toString(), options);
            for (int i = 0; i < inputs.size(); i++) {
                feed.put(inputs.get(i).name(),
                        OnnxTensor.createTensor(env, FloatBuffer.wrap(data[i]), inputs.get(i).type().dims()));
            }
        }

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
}
