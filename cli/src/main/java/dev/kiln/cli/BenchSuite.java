package dev.kiln.cli;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import dev.kiln.codegen.Backends;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code kiln bench --suite}: every benchmark model ({@link SuiteModel}), exported on
 * demand, measured by {@code kiln bench MODEL --json} in a child JVM of each JDK for
 * each target, with the FMA peak of each JDK beside; the results become one section of
 * docs/benchmarks.md ({@link BenchDoc}).
 */
final class BenchSuite {
    /** The options only --suite reads. */
    static final class Options {
        @Option(names = "--suite", description = "Measure every benchmark model in a child JVM of each JDK and "
                + "each target, and write the results as a section of --out.")
        boolean suite;

        @Option(names = "--jdk", paramLabel = "DIR[,DIR...]", split = ",",
                description = "With --suite: the JDK homes to measure on (default: JDK 17 and Temurin 25 where "
                        + "installed, else this JVM's).")
        List<Path> jdks;

        @Option(names = "--out", paramLabel = "FILE", defaultValue = "docs/benchmarks.md",
                description = "With --suite: the Markdown file to write (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--section", paramLabel = "NAME", defaultValue = "current",
                description = "With --suite: the section of --out to write; the file's other sections are kept "
                        + "(default: ${DEFAULT-VALUE}).")
        String section;

        @Option(names = "--models", paramLabel = "NAME[,NAME...]", split = ",",
                description = "With --suite: only these models (b0 b1 b15 b2 b3 e1 e2 e3 resnet18 "
                        + "mobilenet_v3_small efficientnet_b0; default: all).")
        List<String> models;

        @Option(names = "--models-dir", paramLabel = "DIR", defaultValue = "target/bench/models",
                description = "With --suite: where the exported models are kept and reused (default: ${DEFAULT-VALUE}).")
        Path modelsDir;

        @Option(names = "--retries", paramLabel = "N", defaultValue = "1",
                description = "With --suite: measure a row again up to N times while a 90th percentile is over "
                        + "1.3 x the minimum (default: ${DEFAULT-VALUE}).")
        int retries;
    }

    /** A row is measured again while any engine's p90 exceeds this multiple of its minimum. */
    static final double NOISY_SPREAD = 1.3;
    /** The suite runs from the Kiln source tree: the export scripts are found from here. */
    private static final Path SOURCE_TREE = Path.of("");
    private static final List<Path> DEFAULT_JDKS = List.of(Path.of("/usr/lib/jvm/java-17-openjdk-amd64"),
            Path.of("/usr/lib/jvm/temurin-25-jdk-amd64"));

    /** One JDK's identity and its measured FMA peak, from {@code kiln bench --fma-peak --json}. */
    record Jdk(Path home, PeakReport peak) {
    }

    /** What {@code kiln bench --fma-peak --json} prints. */
    record PeakReport(String species, int lanes, double gflops, String java, String javaVendor, String javaRuntime) {
    }

    /**
     * One child run: a model on one JDK and target; {@code report} is null and
     * {@code failure} says why when the child failed.
     *
     * @param attempts how many times the row was measured (more than 1 when it was noisy)
     * @param load the 1-minute load average when the kept measurement started
     */
    record Row(SuiteModel model, Jdk jdk, String target, BenchReport report, String failure, int attempts,
               double load, List<String> command) {
    }

    private final Options options;
    private final CommandLine.Model.CommandSpec spec;
    private final List<String> targets;
    private final String cpu;
    private final List<Integer> threads;
    private final Integer warmup;
    private final Integer runs;
    private final List<String> args;

    BenchSuite(Options options, CommandLine.Model.CommandSpec spec, List<String> targets, String cpu,
               List<Integer> threads, Integer warmup, Integer runs, List<String> args) {
        this.options = options;
        this.spec = spec;
        this.targets = targets;
        this.cpu = cpu;
        this.threads = threads == null ? List.of(1, 2) : threads;
        this.warmup = warmup;
        this.runs = runs;
        this.args = args;
    }

    int run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        PrintWriter log = spec.commandLine().getOut();
        List<SuiteModel> models = models();
        List<Path> homes = jdkHomes();
        if (options.retries < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--retries must be >= 0");
        }
        BenchDoc.Run run = new BenchDoc.Run(options.section, command(), ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)), commit(), Machine.read(),
                Machine.loadAverage(), threads);
        export(models, log);
        List<Jdk> jdks = new ArrayList<>();
        for (Path home : homes) {
            String json = child(home, List.of("--add-modules", "jdk.incubator.vector"), List.of("bench", "--fma-peak", "--json"));
            jdks.add(new Jdk(home, parse(json, PeakReport.class, "--fma-peak")));
            log.printf("FMA peak on %s: %.1f GFLOP/s%n", home, jdks.get(jdks.size() - 1).peak().gflops());
            log.flush();
        }
        List<Row> rows = new ArrayList<>();
        for (SuiteModel m : models) {
            for (Jdk jdk : jdks) {
                for (String t : targets) {
                    Row row = measure(m, jdk, t);
                    rows.add(row);
                    log.printf("%-22s batch %d  %-8s %-6s %s (%.0f s so far)%n", m.name(), m.batch(),
                            jdk.peak().java().replaceAll(".* ", ""), t,
                            row.report() == null ? "FAILED: " + row.failure() : summary(row.report()),
                            (System.nanoTime() - start) / 1e9);
                    log.flush();
                }
            }
        }
        String section = BenchDoc.section(run.finished(Machine.loadAverage(), (System.nanoTime() - start) / 60e9),
                jdks, rows, options.modelsDir);
        BenchDoc.write(options.out, options.section, section);
        log.printf("wrote section '%s' of %s%n", options.section, options.out);
        log.flush();
        return rows.stream().anyMatch(r -> r.report() == null) ? Kiln.EXIT_BAD_INPUT : 0;
    }

    private static String summary(BenchReport r) {
        StringBuilder s = new StringBuilder();
        for (BenchReport.Result res : r.results()) {
            s.append(String.format(Locale.ROOT, " %dT %.1f ms", res.threads(), res.kiln().medianMs()));
            if (res.ratio() != null) {
                s.append(String.format(Locale.ROOT, " (%.2fx ORT)", res.ratio()));
            }
        }
        return s.toString().trim();
    }

    private List<SuiteModel> models() {
        List<SuiteModel> all = SuiteModel.all();
        if (options.models == null) {
            return all;
        }
        Set<String> known = new LinkedHashSet<>();
        all.forEach(m -> known.add(m.key()));
        for (String k : options.models) {
            if (!known.contains(k)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--models: unknown model '" + k + "' (models: " + String.join(", ", known) + ")");
            }
        }
        return all.stream().filter(m -> options.models.contains(m.key())).toList();
    }

    private List<Path> jdkHomes() {
        if (options.jdks == null) {
            List<Path> present = DEFAULT_JDKS.stream().filter(h -> Files.isExecutable(h.resolve("bin/java"))).toList();
            return present.isEmpty() ? List.of(Path.of(System.getProperty("java.home"))) : present;
        }
        for (Path h : options.jdks) {
            if (!Files.isExecutable(h.resolve("bin/java"))) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--jdk " + h + ": no bin/java there (give a JDK's home folder)");
            }
        }
        return options.jdks;
    }

    /** Exports each model whose file is not in the models folder yet. */
    private void export(List<SuiteModel> models, PrintWriter log) throws IOException, InterruptedException {
        for (SuiteModel m : models) {
            if (!Files.exists(options.modelsDir.resolve(m.fileName()))) {
                log.printf("exporting %s%n", String.join(" ", m.exportCommand(SOURCE_TREE, options.modelsDir)));
                log.flush();
                m.exported(SOURCE_TREE, options.modelsDir);
            }
        }
    }

    private Row measure(SuiteModel m, Jdk jdk, String target) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bench", options.modelsDir.resolve(m.fileName()).toString(),
                "--target", target, "--threads", String.join(",", threads.stream().map(String::valueOf).toList())));
        if (warmup != null) {
            command.addAll(List.of("--warmup", String.valueOf(warmup)));
        }
        command.addAll(List.of("--runs", String.valueOf(runs != null ? runs : m.runs())));
        if (cpu != null) {
            command.addAll(List.of("--cpu", cpu));
        }
        command.addAll(m.bindings());
        Row kept = null;
        for (int attempt = 1; ; attempt++) {
            double load = Machine.loadAverage();
            List<String> json = new ArrayList<>(command);
            json.add("--json");
            BenchReport r;
            try {
                r = parse(child(jdk.home(), jvmOptions(target), json), BenchReport.class, "bench");
            } catch (KilnException e) {
                return new Row(m, jdk, target, null, e.getMessage(), attempt, load, command);
            }
            if (kept == null || spread(r) < spread(kept.report())) {
                kept = new Row(m, jdk, target, r, null, attempt, load, command);
            }
            if (spread(r) <= NOISY_SPREAD || attempt > options.retries) {
                return new Row(m, jdk, target, kept.report(), null, attempt, kept.load(), command);
            }
        }
    }

    /** The largest p90 / minimum of both engines at every thread count. */
    static double spread(BenchReport r) {
        double s = 1;
        for (BenchReport.Result res : r.results()) {
            s = Math.max(s, res.kiln().p90Ms() / res.kiln().minMs());
            if (res.onnxruntime() != null) {
                s = Math.max(s, res.onnxruntime().p90Ms() / res.onnxruntime().minMs());
            }
        }
        return s;
    }

    /** The JVM options a back end's classes run with: the launcher's ({@link #launcherOptions}) and the back end's own. */
    static List<String> jvmOptions(String target) {
        List<String> o = new ArrayList<>(launcherOptions());
        o.addAll(Backends.get(target).jvmOptions());
        return o;
    }

    /**
     * The options {@code ./kiln} starts its JVM with (keep the two in step): a deep stack, for the
     * generated code's long methods, and on Linux where the kernel offers transparent huge pages
     * on request ({@code madvise} or {@code always}), {@code -XX:+UseTransparentHugePages}. A model's
     * weights (58 MB for LowFormer-B0, 217 MB for B3) stream through the cache on every call; in
     * 4 KB pages each page of them costs a TLB miss, in 2 MB pages few do (B0, vector, one thread,
     * Temurin 25: fastest run 26.4-26.9 ms with, 27.9-28.0 ms without; docs/benchmarks.md, sixth).
     * The option changes only the Java heap: ONNX Runtime's memory in the same JVM is its own.
     */
    static List<String> launcherOptions() {
        List<String> o = new ArrayList<>(List.of("-Xss8m"));
        if (hugePagesOnRequest()) {
            o.add("-XX:+UseTransparentHugePages");
        }
        return o;
    }

    private static boolean hugePagesOnRequest() {
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        try {
            return System.getProperty("os.name", "").equals("Linux") && Files.isReadable(setting)
                    && !Files.readString(setting).contains("[never]");
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code kiln args...} in a child JVM of the JDK at {@code home} with {@code jvmOptions}; returns its output. */
    private static String child(Path home, List<String> jvmOptions, List<String> args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Kiln.class.getName()));
        command.addAll(args);
        Path err = Files.createTempFile("kiln-bench-", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            if (code != 0) {
                List<String> lines = Files.readAllLines(err).stream()
                        .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList();
                throw new KilnException("kiln " + String.join(" ", args) + " on " + home + " exited with " + code
                        + (lines.isEmpty() ? "" : ": " + String.join(" / ", lines.subList(Math.max(0, lines.size() - 3),
                        lines.size()))));
            }
            return out;
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** Reads what {@code kiln WHAT --json} printed. */
    static <T> T parse(String json, Class<T> type, String what) {
        try {
            return new Gson().fromJson(json, type);
        } catch (JsonParseException e) {
            throw new KilnException("kiln " + what + " --json printed something that is not its JSON: "
                    + e.getMessage());
        }
    }

    /** The command line as typed, with the nice value it ran at (the launcher's name stands for the jar). */
    private String command() {
        int nice = Machine.niceness();
        StringBuilder s = new StringBuilder(nice != 0 ? "nice -n " + nice + " " : "");
        s.append("./kiln");
        for (String a : args) {
            s.append(' ').append(a.matches("[\\w./=,:+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return s.toString();
    }

    /** The Kiln commit measured ("abc1234", "+ changes" when the tree differs), or null outside git. */
    private static String commit() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String head = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                return null;
            }
            Process d = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
                    .redirectErrorStream(true).start();
            boolean dirty = !new String(d.getInputStream().readAllBytes(), StandardCharsets.UTF_8).isBlank();
            d.waitFor();
            return head + (dirty ? " + uncommitted changes" : "");
        } catch (IOException e) {
            return null;
        }
    }
}
