package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Kiln;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.codegen.StepProfile;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.Node;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times each kernel step of a compilation by running its debug build ({@code KilnOptions.instrumented}):
 * what {@code kiln bench --profile} prints and {@code kiln inspect --report --profile} puts in the
 * report's time column. The compilation is the one the caller measured or reports, so the steps are
 * its steps.
 */
final class LayerProfile {
    /** The slowest layers {@code bench --profile} prints. */
    static final int SLOWEST = 10;

    private LayerProfile() {
    }

    /** Generates and loads the debug build of {@code c} and times its steps on {@code data}. */
    static StepProfile measure(Compilation c, KilnOptions options, float[][] data, int threads, int warmup,
                               int runs) {
        GeneratedModel debug = Kiln.generate(c, options.withInstrumented(true));
        return StepProfile.measure(debug, LoadedModel.of(debug), data, threads, warmup, runs);
    }

    /** Like {@code mean of 15 runs after 5 warm-up runs, 1 thread, OpenJDK 64-Bit Server VM 17.0.14}. */
    static String how(StepProfile p) {
        return "mean of " + p.runs() + " runs after " + p.warmup() + " warm-up runs, " + p.threads()
                + (p.threads() == 1 ? " thread, " : " threads, ") + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
    }

    /** The slowest steps as a table: step, op, node name, ms, share of all steps' time. */
    static void printSlowest(PrintWriter out, StepProfile p) {
        out.printf("slowest layers at %d thread%s (debug build, %s): the steps take %.2f of %.2f ms per run%n",
                p.threads(), p.threads() == 1 ? "" : "s", how(p), p.totalMillis(), p.runMillis());
        out.printf("  %5s  %-26s %-52s %9s %6s%n", "step", "op", "node", "ms", "share");
        for (int i : p.slowest(SLOWEST)) {
            Node n = p.steps().get(i);
            out.printf("  %5d  %-26s %-52s %9.3f %5.1f%%%n", i, n.qualifiedOpType(),
                    n.name().isEmpty() ? "(unnamed)" : n.name(), p.millis()[i], 100 * p.share(i));
        }
    }

    /** {@code {threads, warmup, runs, runMs, stepsMs, steps: [{step, op, node, ms, share}]}}, steps in order. */
    static Map<String, Object> toJson(StepProfile p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", p.threads());
        m.put("warmup", p.warmup());
        m.put("runs", p.runs());
        m.put("runMs", p.runMillis());
        m.put("stepsMs", p.totalMillis());
        List<Object> steps = new ArrayList<>();
        for (int i = 0; i < p.millis().length; i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", i);
            s.put("op", p.steps().get(i).qualifiedOpType());
            s.put("node", p.steps().get(i).name());
            s.put("ms", p.millis()[i]);
            s.put("share", p.share(i));
            steps.add(s);
        }
        m.put("steps", steps);
        return m;
    }
}
