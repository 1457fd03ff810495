package dev.kiln.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The Markdown that {@code kiln bench --suite} writes: one section per run, between
 * marker comments, so that a later run with another {@code --section} name adds its
 * figures beside the earlier ones, and one with the same name replaces only its own.
 * Everything outside the markers (the page's introduction) is kept as it is.
 */
final class BenchDoc {
    private BenchDoc() {
    }

    /**
     * How a suite run was made.
     *
     * @param command the command line, with its nice value
     * @param commit the Kiln commit measured, or null outside git
     * @param loadStart the 1-minute load average at the start
     * @param loadEnd the 1-minute load average at the end (NaN until finished)
     * @param minutes the run's wall time (NaN until finished)
     */
    record Run(String section, String command, String date, String commit, Machine machine, double loadStart,
               List<Integer> threads, double loadEnd, double minutes) {
        Run(String section, String command, String date, String commit, Machine machine, double loadStart,
            List<Integer> threads) {
            this(section, command, date, commit, machine, loadStart, threads, Double.NaN, Double.NaN);
        }

        Run finished(double load, double wallMinutes) {
            return new Run(section, command, date, commit, machine, loadStart, threads, load, wallMinutes);
        }
    }

    static String begin(String section) {
        return "<!-- begin kiln bench section: " + section + " -->";
    }

    static String end(String section) {
        return "<!-- end kiln bench section: " + section + " -->";
    }

    /** Writes {@code text} as section {@code name} of {@code file}, in place of an older one of that name. */
    static void write(Path file, String name, String text) {
        try {
            String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8)
                    : "# Benchmarks\n\nWritten by `./kiln bench --suite` (see docs/cli.md).\n";
            String block = begin(name) + "\n" + text + end(name) + "\n";
            int from = old.indexOf(begin(name));
            int to = old.indexOf(end(name));
            String updated;
            if (from >= 0 && to > from) {
                updated = old.substring(0, from) + block + old.substring(to + end(name).length()).replaceFirst("^\n", "");
            } else {
                updated = old + (old.endsWith("\n\n") ? "" : old.endsWith("\n") ? "\n" : "\n\n") + block;
            }
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".kiln-", ".tmp");
            Files.writeString(tmp, updated, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The section's Markdown, from its heading to the reproduction commands. */
    static String section(Run run, List<BenchSuite.Jdk> jdks, List<BenchSuite.Row> rows, Path modelsDir) {
        StringBuilder s = new StringBuilder();
        String title = run.section().substring(0, 1).toUpperCase(Locale.ROOT) + run.section().substring(1);
        s.append("## ").append(title).append("\n\n");
        s.append("Made by `").append(run.command()).append("` on ").append(run.date());
        if (run.commit() != null) {
            s.append(", Kiln commit ").append(run.commit());
        }
        s.append(f(", in %.1f minutes.%n%n", run.minutes()));
        Machine m = run.machine();
        s.append(f("- Machine: %s; %s; flags %s; %d cores seen by the JVM. Load average %.2f at the start, "
                + "%.2f at the end.%n", m.cpuModel(), m.widest(), String.join(" ", m.vectorFlags()), m.cores(),
                run.loadStart(), run.loadEnd()));
        for (BenchSuite.Jdk jdk : jdks) {
            s.append(f("- JDK %s: %s, %s (`%s`).%n", version(jdk), jdk.peak().javaVendor(), jdk.peak().javaRuntime(),
                    jdk.home()));
        }
        s.append("- Kiln's JVM options (as `./kiln` starts its JVM, and the back end's own): `")
                .append(String.join(" ", BenchSuite.launcherOptions())).append("`.\n");
        rows.stream().filter(r -> r.report() != null && r.report().cpu() != null).findFirst().ifPresent(r ->
                s.append("- Kiln's CPU profile (`--cpu`): ").append(r.report().cpu()).append(".\n"));
        s.append(f("- Runs per engine, alternating in one JVM, after warming up until the JIT had compiled nothing "
                + "and Kiln allocated nothing for 10 runs in a row: %s. Rows marked † were measured again because a "
                + "90th percentile was over %.1f x its minimum; the measurement with the smaller spread is kept.%n%n",
                schedule(rows), BenchSuite.NOISY_SPREAD));

        s.append("### FMA peak per core\n\n");
        table(s, List.of("JDK", "species", "GFLOP/s"), jdks, j -> List.of(version(j), j.peak().species(),
                f("%.1f", j.peak().gflops())));

        List<BenchSuite.Row> batch1 = rows.stream().filter(r -> r.model().batch() == 1).toList();
        List<BenchSuite.Row> batched = rows.stream().filter(r -> r.model().batch() > 1).toList();
        s.append("### Latency, batch 1\n\n");
        s.append("Median and minimum in ms; GFLOP/s = 2 x MACs / median, with the share of the FMA peak of the "
                + "threads used; load = the 1-minute load average when the row started.\n\n");
        latencyTable(s, batch1);
        if (!batched.isEmpty()) {
            s.append("### Throughput, batch ").append(batched.get(0).model().batch()).append("\n\n");
            throughputTable(s, batched);
        }
        s.append("### Memory and start-up\n\n");
        s.append("Bytes allocated per call by all threads (at each thread count), the arena per calling thread "
                + "next to the sum of every intermediate value, the generated `load(Path)` next to ONNX Runtime's "
                + "session creation (each the first in its JVM), and Kiln's compile and javac times.\n\n");
        memoryTable(s, rows);
        for (BenchSuite.Row r : rows) {
            if (r.report() != null && r.model().key().equals("b3") && r.model().batch() == 1) {
                s.append(f("LowFormer-B3, JDK %s, target %s: compile %.1f s, javac %.1f s (issue 7's targets: "
                        + "under 15 s and under 30 s).%n",
                        version(r.jdk()), r.target(), r.report().compileMs() / 1e3, r.report().javacMs() / 1e3));
            }
        }
        s.append("\n### Reproduce\n\n");
        s.append("The suite exports each model once into `").append(modelsDir).append("` (and reuses it):\n\n");
        Map<String, List<String>> exports = new LinkedHashMap<>();
        rows.forEach(r -> exports.put(r.model().fileName(), r.model().exportCommand(Path.of(""), modelsDir)));
        s.append("```sh\n");
        exports.values().forEach(c -> s.append(String.join(" ", c)).append('\n'));
        s.append("```\n\nEach row is one of these commands (each prints its figures; add `--json` for all of them):\n\n");
        s.append("```sh\n");
        List<String> launcher = BenchSuite.launcherOptions();
        for (BenchSuite.Row r : rows) {
            // ./kiln adds its own options itself; KILN_JAVA_OPTS gives the back end's.
            List<String> jvm = BenchSuite.jvmOptions(r.target()).stream().filter(o -> !launcher.contains(o)).toList();
            s.append("JAVA_HOME=").append(r.jdk().home())
                    .append(jvm.isEmpty() ? "" : " KILN_JAVA_OPTS='" + String.join(" ", jvm) + "'")
                    .append(" ./kiln ").append(String.join(" ", r.command())).append('\n');
        }
        for (BenchSuite.Jdk j : jdks) {
            s.append("JAVA_HOME=").append(j.home()).append(" KILN_JAVA_OPTS='--add-modules jdk.incubator.vector' ")
                    .append("./kiln bench --fma-peak\n");
        }
        s.append("```\n");
        return s.toString();
    }

    private static void latencyTable(StringBuilder s, List<BenchSuite.Row> rows) {
        List<String[]> lines = new ArrayList<>();
        for (BenchSuite.Row r : rows) {
            if (r.report() == null) {
                lines.add(failed(r, 13));
                continue;
            }
            for (BenchReport.Result res : r.report().results()) {
                BenchReport.Latency k = res.kiln();
                BenchReport.Latency o = res.onnxruntime();
                long macs = r.report().macs();
                double peak = r.jdk().peak().gflops() * res.threads();
                lines.add(new String[] {name(r), f("%.0f", macs / 1e6), version(r.jdk()), r.target(),
                    String.valueOf(res.threads()), f("%.1f", k.medianMs()), f("%.1f", k.minMs()),
                    o == null ? "" : f("%.1f", o.medianMs()), o == null ? "" : f("%.1f", o.minMs()),
                    o == null ? "" : f("%.2f", res.ratio()), gflops(k, macs, peak),
                    o == null ? "" : gflops(o, macs, peak), f("%.1f", r.load())});
            }
        }
        rawTable(s, List.of("model", "MMACs", "JDK", "target", "threads", "Kiln median", "Kiln min", "ORT median",
                "ORT min", "Kiln/ORT", "Kiln GFLOP/s", "ORT GFLOP/s", "load"), lines);
    }

    private static void throughputTable(StringBuilder s, List<BenchSuite.Row> rows) {
        List<String[]> lines = new ArrayList<>();
        for (BenchSuite.Row r : rows) {
            if (r.report() == null) {
                lines.add(failed(r, 10));
                continue;
            }
            int batch = r.model().batch();
            for (BenchReport.Result res : r.report().results()) {
                BenchReport.Latency k = res.kiln();
                BenchReport.Latency o = res.onnxruntime();
                double peak = r.jdk().peak().gflops() * res.threads();
                lines.add(new String[] {name(r), version(r.jdk()), r.target(), String.valueOf(res.threads()),
                    f("%.1f", batch * 1e3 / k.medianMs()), o == null ? "" : f("%.1f", batch * 1e3 / o.medianMs()),
                    o == null ? "" : f("%.2f", res.ratio()), gflops(k, r.report().macs(), peak),
                    o == null ? "" : gflops(o, r.report().macs(), peak), f("%.1f", r.load())});
            }
        }
        rawTable(s, List.of("model", "JDK", "target", "threads", "Kiln images/s", "ORT images/s", "Kiln/ORT",
                "Kiln GFLOP/s", "ORT GFLOP/s", "load"), lines);
    }

    private static void memoryTable(StringBuilder s, List<BenchSuite.Row> rows) {
        List<String[]> lines = new ArrayList<>();
        for (BenchSuite.Row r : rows) {
            if (r.report() == null) {
                lines.add(failed(r, 10));
                continue;
            }
            BenchReport rep = r.report();
            List<String> alloc = rep.results().stream().map(res -> String.valueOf(res.kiln().allocatedBytesPerCall()))
                    .toList();
            lines.add(new String[] {name(r), version(r.jdk()), r.target(), String.join(" / ", alloc),
                f("%.1f", rep.arenaBytes() / 1e6), f("%.1f", rep.intermediateBytes() / 1e6), f("%.0f", rep.loadMs()),
                rep.onnxruntimeSessionMs() == null ? "" : f("%.0f", rep.onnxruntimeSessionMs()),
                f("%.1f", rep.compileMs() / 1e3), f("%.1f", rep.javacMs() / 1e3)});
        }
        String threads = String.join(" / ", rows.stream().filter(r -> r.report() != null).findFirst()
                .map(r -> r.report().results().stream().map(res -> res.threads() + "T").toList()).orElse(List.of()));
        rawTable(s, List.of("model", "JDK", "target", "Kiln bytes/call (" + threads + ")", "arena MB",
                "intermediates MB", "load() ms", "ORT session ms", "compile s", "javac s"), lines);
    }

    private static String name(BenchSuite.Row r) {
        return r.model().name() + (r.model().batch() > 1 ? " x" + r.model().batch() : "") + (r.attempts() > 1 ? " †" : "");
    }

    private static String[] failed(BenchSuite.Row r, int columns) {
        String[] line = new String[columns];
        java.util.Arrays.fill(line, "");
        line[0] = name(r);
        line[1] = version(r.jdk());
        line[2] = r.target();
        line[3] = "failed: " + r.failure().replace('|', '/').replace('\n', ' ');
        return line;
    }

    private static String gflops(BenchReport.Latency l, long macs, double peak) {
        double g = l.gflops(macs);
        return f("%.1f (%.0f%%)", g, 100 * g / peak);
    }

    /** The JDK's version, e.g. 17.0.15, from its JVM's name and version. */
    static String version(BenchSuite.Jdk jdk) {
        String java = jdk.peak().java();
        return java.substring(java.lastIndexOf(' ') + 1);
    }

    private static String schedule(List<BenchSuite.Row> rows) {
        Map<String, String> byBatch = new LinkedHashMap<>();
        for (BenchSuite.Row r : rows) {
            if (r.report() != null) {
                byBatch.putIfAbsent("batch " + r.model().batch(), r.report().runs() + " measured runs");
            }
        }
        List<String> parts = new ArrayList<>();
        byBatch.forEach((batch, runs) -> parts.add(batch + ": " + runs));
        return String.join("; ", parts);
    }

    private static <T> void table(StringBuilder s, List<String> header, List<T> items, Function<T, List<String>> cells) {
        rawTable(s, header, items.stream().map(i -> cells.apply(i).toArray(String[]::new)).toList());
    }

    private static void rawTable(StringBuilder s, List<String> header, List<String[]> lines) {
        s.append("| ").append(String.join(" | ", header)).append(" |\n|");
        header.forEach(h -> s.append("---|"));
        s.append('\n');
        for (String[] line : lines) {
            s.append("| ").append(String.join(" | ", line)).append(" |\n");
        }
        s.append('\n');
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
