package dev.kiln.cli;

import dev.kiln.codegen.Backends;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.ir.Graph;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln bench}: the latency of the generated code beside ONNX Runtime's, on the
 * same input, in the same process, with the same thread count, runs alternating so
 * that both see the same machine state; with {@code --suite}, the whole benchmark
 * table of docs/benchmarks.md ({@link BenchSuite}); with {@code --fma-peak}, the
 * machine's measured FMA peak ({@link FmaPeak}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Measure the latency of a model compiled by Kiln beside ONNX Runtime's on the same input "
                + "(seeded random), in one process, alternating runs, for each thread count.",
            "Prints median, minimum and 90th percentile in milliseconds, GFLOP/s, bytes allocated per call, the "
                + "ratio of the medians, and compile, javac, load() and session-creation times.",
            "--suite measures every benchmark model in a child JVM of each JDK and writes docs/benchmarks.md; "
                + "--fma-peak measures this machine's FMA peak per core."})
final class BenchCommand implements Callable<Integer> {
    /** Milliseconds between one engine's run and the other's (see {@link #pauseBetweenEngines}). */
    private static final long PAUSE_MS = 10;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL",
            description = "The ONNX model file: .onnx (protobuf) or .onnxtxt (ONNX's text syntax).")
    private Path model;

    @Option(names = "--threads", paramLabel = "N[,N...]", split = ",",
            description = "Thread counts to measure, for both engines (default: 1; with --suite 1,2).")
    private List<Integer> threads;

    @Option(names = "--warmup", paramLabel = "N",
            description = "Unmeasured runs per engine first (default: until 10 runs in a row in which the JIT "
                    + "compiled nothing and Kiln allocated nothing, at most 2000 runs or 2 minutes; the count is "
                    + "reported).")
    private Integer warmup;

    @Option(names = "--runs", paramLabel = "N",
            description = "Measured runs per engine (default: 15; with --suite by model).")
    private Integer runs;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of the random input.")
    private long seed;

    @Option(names = "--no-onnxruntime", description = "Measure Kiln only.")
    private boolean noOnnxRuntime;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @Option(names = "--profile", description = "Also time each kernel step of the model's debug build at each "
            + "thread count and print the slowest layers (step, op, node, ms, share).")
    private boolean profile;

    @Option(names = "--target", paramLabel = "T[,T...]", split = ",",
            description = "The back end (default: java); with --suite a list (default: every target Kiln has).")
    private List<String> targets;

    @Option(names = "--cpu", paramLabel = "PROFILE",
            description = "The CPU profile the code is shaped for (default: Kiln's, x86-64-v3; see kiln compile --help).")
    private String cpu;

    @CommandLine.Mixin
    private BindingOptions binding;

    @Option(names = "--fma-peak", description = "Measure this machine's FMA peak per core (needs --add-modules "
            + "jdk.incubator.vector on the JVM, e.g. KILN_JAVA_OPTS='--add-modules jdk.incubator.vector').")
    private boolean fmaPeak;

    @CommandLine.Mixin
    private BenchSuite.Options suite;

    /** The steps' times with {@code --profile}, one per thread count. */
    private List<LayerProfile> profiles = List.of();

    @Override
    public Integer call() throws Exception {
        int modes = (model != null ? 1 : 0) + (suite.suite ? 1 : 0) + (fmaPeak ? 1 : 0);
        if (modes != 1) {
            throw usage("give one of MODEL, --suite or --fma-peak");
        }
        if ((warmup != null && warmup < 0) || (runs != null && runs < 1)
                || (threads != null && threads.stream().anyMatch(t -> t < 1))) {
            throw usage("--runs must be >= 1, --warmup >= 0 and every --threads value >= 1");
        }
        if (profile && model == null) {
            throw usage("--profile times the layers of one MODEL; give it without --suite and --fma-peak");
        }
        if (fmaPeak) {
            return measureFmaPeak();
        }
        for (String t : targets == null ? List.<String>of() : targets) {
            options(t);
        }
        if (suite.suite) {
            return new BenchSuite(suite, spec, targets == null ? Backends.ids() : targets, cpu, threads,
                    warmup, runs, spec.commandLine().getParseResult().originalArgs()).run();
        }
        for (String option : List.of("--jdk", "--out", "--section", "--models", "--models-dir", "--retries")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                throw usage(option + " is an option of --suite; kiln bench MODEL measures one model in this JVM");
            }
        }
        if (targets != null && targets.size() > 1) {
            throw usage("--target: kiln bench MODEL measures one target; --suite takes a list");
        }
        KilnOptions options = options(targets == null ? Backends.DEFAULT : targets.get(0))
                .withBindings(binding.toBindings());
        BenchModel kiln = new BenchModel(model, options);
        BenchReport report = measure(kiln, options, threads == null ? List.of(1) : threads, warmup,
                runs == null ? 15 : runs);
        print(report, kiln.device);
        return 0;
    }

    /** The steps' times of the measured compilation's debug build, at each thread count ({@code --profile}). */
    private List<LayerProfile> profile(BenchModel kiln, KilnOptions options, float[][] data,
                                       List<Integer> threadCounts, Integer warmupRuns, int measuredRuns) {
        List<LayerProfile> profiles = new ArrayList<>();
        for (int t : threadCounts) {
            profiles.add(LayerProfile.measure(kiln.generated.compilation(), options, data, t, warmupRuns,
                    measuredRuns));
        }
        return profiles;
    }

    /** Kiln's options for back end {@code target} and {@code --cpu}; a usage error names the choices. */
    private KilnOptions options(String target) {
        KilnOptions o;
        try {
            o = KilnOptions.defaults().withTarget(target);
        } catch (IllegalArgumentException e) {
            throw usage("--target: " + e.getMessage());
        }
        try {
            return cpu == null ? o : o.withCpu(cpu);
        } catch (IllegalArgumentException e) {
            throw usage("--cpu: " + e.getMessage());
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /**
     * A pause between one engine's run and the other's, long enough for the idle threads of the
     * one that just ran to go to sleep: Kiln's workers spin briefly after a step, and ONNX
     * Runtime's stop spinning at the end of its run ({@link OrtBench}), so that neither engine
     * at 2 threads on 2 cores runs beside the other's spinning threads (Kiln's B0 at 2 threads
     * measured 66 ms alternating with neither the pause nor the stop, 29 ms alone).
     */
    private static void pauseBetweenEngines() throws InterruptedException {
        Thread.sleep(PAUSE_MS);
    }

    /**
     * Runs both engines unmeasured, alternating as measured: {@code runs} times, or for null until
     * the JIT is quiet and Kiln allocates nothing ({@link WarmUp}; when it runs through
     * {@code run(float[], float[])}, as {@code run(Object...)} allocates its outputs).
     *
     * @return the runs made
     */
    private int warmUp(BenchModel kiln, OrtBench ort, float[][] data, Integer runs, AllocationMeter allocation)
            throws Exception {
        return WarmUp.run(runs, () -> {
            allocation.refreshThreads();
            long before = allocation.total();
            kiln.run(data);
            long bytes = allocation.since(before);
            if (ort != null) {
                pauseBetweenEngines();
                ort.timeOnce();
                pauseBetweenEngines();
            }
            return bytes == 0 || !kiln.runsIntoCallersArray();
        });
    }

    private BenchReport measure(BenchModel kiln, KilnOptions options, List<Integer> threadCounts, Integer warmupRuns,
                                int measuredRuns) throws Exception {
        AllocationMeter allocation = new AllocationMeter();
        Graph graph = kiln.graph();
        float[][] data = ModelInputs.random(graph, seed);
        List<BenchReport.Result> results = new ArrayList<>();
        Double sessionMs = null;
        int warmedUp = 0;
        for (int t : threadCounts) {
            kiln.setThreads(t);
            try (OrtBench ort = noOnnxRuntime ? null : new OrtBench(model, graph.inputs(), data, t)) {
                if (ort != null && sessionMs == null) {
                    sessionMs = ort.sessionMs;
                }
                warmedUp = Math.max(warmedUp, warmUp(kiln, ort, data, warmupRuns, allocation));
                double[] kilnMs = new double[measuredRuns];
                double[] ortMs = new double[measuredRuns];
                long allocated = 0;
                for (int i = 0; i < measuredRuns; i++) {
                    allocation.refreshThreads();
                    long before = allocation.total();
                    long start = System.nanoTime();
                    kiln.run(data);
                    double k = (System.nanoTime() - start) / 1e6;
                    long bytes = allocation.since(before);
                    double o = 0;
                    if (ort != null) {
                        pauseBetweenEngines();
                        o = ort.timeOnce();
                        pauseBetweenEngines();
                    }
                    kilnMs[i] = k;
                    ortMs[i] = o;
                    allocated += bytes;
                }
                results.add(BenchReport.Result.of(t, BenchReport.Latency.of(kilnMs, allocated / measuredRuns),
                        ort == null ? null : BenchReport.Latency.of(ortMs, null)));
            }
        }
        profiles = profile ? profile(kiln, options, data, threadCounts, warmupRuns, measuredRuns) : List.of();
        return new BenchReport(model.toString(), options.target(), options.cpu().name(),
                System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version"), System.getProperty("java.vendor"),
                System.getProperty("java.runtime.version"), Runtime.getRuntime().availableProcessors(),
                warmedUp, measuredRuns, kiln.generated.compilation().macs(), kiln.compileMs, kiln.javacMs, kiln.loadMs, sessionMs,
                kiln.arenaBytes(), kiln.intermediateBytes(), results);
    }

    /** Prints the report; {@code device} names the OpenCL device (null for the Java back ends). */
    private void print(BenchReport r, String device) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = r.toJson();
            if (profile) {
                m.put("profile", profiles.stream().map(LayerProfile::toJson).toList());
            }
            out.println(Json.write(m));
            out.flush();
            return;
        }
        out.printf("bench %s (target %s, cpu %s), %s %s, %d warm-up and %d measured runs each, alternating%n",
                r.model(), r.target(), r.cpu(), System.getProperty("java.vm.name"), System.getProperty("java.version"), r.warmup(),
                r.runs());
        if (device != null) {
            out.printf("OpenCL device: %s; load() includes building the OpenCL program%n", device);
        }
        out.printf("%.1f MMACs per call; compile %.2f s, javac %.2f s, load() %.0f ms%s; arena %.1f MB "
                        + "(intermediates %.1f MB)%n", r.macs() / 1e6, r.compileMs() / 1e3, r.javacMs() / 1e3,
                r.loadMs(), r.onnxruntimeSessionMs() == null ? ""
                        : String.format(Locale.ROOT, " (onnxruntime session %.0f ms)", r.onnxruntimeSessionMs()),
                r.arenaBytes() / 1e6, r.intermediateBytes() / 1e6);
        out.printf("%8s  %-12s %10s %10s %10s %9s %12s%n", "threads", "engine", "median ms", "min ms", "p90 ms",
                "GFLOP/s", "alloc B/call");
        for (BenchReport.Result res : r.results()) {
            row(out, res.threads(), "kiln", res.kiln(), r.macs());
            if (res.onnxruntime() != null) {
                row(out, res.threads(), "onnxruntime", res.onnxruntime(), r.macs());
                out.printf("%8s  kiln / onnxruntime = %.2f%n", "", res.ratio());
            }
        }
        for (LayerProfile p : profiles) {
            p.printSlowest(out);
        }
        out.flush();
    }

    private static void row(PrintWriter out, int threads, String engine, BenchReport.Latency l, long macs) {
        out.printf("%8d  %-12s %10.2f %10.2f %10.2f %9.1f %12s%n", threads, engine, l.medianMs(), l.minMs(),
                l.p90Ms(), l.gflops(macs), l.allocatedBytesPerCall() == null ? "" : l.allocatedBytesPerCall());
    }

    private int measureFmaPeak() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new KilnException("--fma-peak needs the Vector API: run the JVM with --add-modules "
                    + "jdk.incubator.vector (./kiln: KILN_JAVA_OPTS='--add-modules jdk.incubator.vector')");
        }
        // Three seconds of 40 ms calls: on a shared machine the fastest call is the one that ran alone.
        FmaPeak.Result peak = FmaPeak.measure(3000);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("species", peak.species());
            m.put("lanes", peak.lanes());
            m.put("gflops", peak.gflops());
            m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            m.put("javaVendor", System.getProperty("java.vendor"));
            m.put("javaRuntime", System.getProperty("java.runtime.version"));
            out.println(Json.write(m));
        } else {
            out.printf("FMA peak of one core: %.1f GFLOP/s (%s, %d independent chains; %s %s)%n", peak.gflops(),
                    peak.species(), FmaPeak.CHAINS, System.getProperty("java.vm.name"),
                    System.getProperty("java.version"));
        }
        out.flush();
        return 0;
    }
}
