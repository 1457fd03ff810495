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
 * The time of each kernel step of a compilation, measured on its debug build
 * ({@code KilnOptions.instrumented}) at a thread count after a warm-up: what {@code kiln bench
 * --profile} prints and {@code kiln inspect --report --profile} puts in the report's time column.
 * The compilation is the one the caller measured or reports, so the steps are its steps.
 *
 * @param warmup the unmeasured runs made first
 */
record LayerProfile(StepProfile steps, int threads, int warmup) {
    /** The slowest layers {@code bench --profile} prints. */
    static final int SLOWEST = 10;

    /**
     * Generates and loads the debug build of {@code c}, warms it up ({@code warmup} runs, or for null
     * until the JIT is quiet, see {@link WarmUp}) and times {@code runs} runs of it on {@code data}.
     */
    static LayerProfile measure(Compilation c, KilnOptions options, float[][] data, int threads, Integer warmup,
                                int runs) {
        GeneratedModel debug = Kiln.generate(c, options.withInstrumented(true));
        LoadedModel loaded = LoadedModel.of(debug);
        loaded.setThreads(threads);
        // run(Object...) allocates its outputs: only the JIT tells when the debug build is warm.
        int warmedUp = WarmUp.run(warmup, () -> {
            loaded.run((Object[]) data);
            return true;
        });
        return new LayerProfile(StepProfile.measure(debug, loaded, data, runs), threads, warmedUp);
    }

    /** Like {@code mean of 15 runs after 40 warm-up runs, 1 thread, OpenJDK 64-Bit Server VM 17.0.14}. */
    String how() {
        return "mean of " + steps.runs() + " runs after " + warmup + " warm-up runs, " + threads
                + (threads == 1 ? " thread, " : " threads, ") + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version");
    }

    /** The slowest steps as a table: step, op, node name, ms, share of all steps' time. */
    void printSlowest(PrintWriter out) {
        out.printf("slowest layers at %d thread%s (debug build, %s): the steps take %.2f of %.2f ms per run%n",
                threads, threads == 1 ? "" : "s", how(), steps.totalMillis(), steps.runMillis());
        out.printf("  %5s  %-26s %-52s %9s %6s%n", "step", "op", "node", "ms", "share");
        for (int i : steps.slowest(SLOWEST)) {
            Node n = steps.steps().get(i);
            out.printf("  %5d  %-26s %-52s %9.3f %5.1f%%%n", i, n.qualifiedOpType(),
                    n.name().isEmpty() ? "(unnamed)" : n.name(), steps.millis()[i], 100 * steps.share(i));
        }
    }

    /** {@code {threads, warmup, runs, runMs, stepsMs, steps: [{step, op, node, ms, share}]}}, steps in order. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", threads);
        m.put("warmup", warmup);
        m.put("runs", steps.runs());
        m.put("runMs", steps.runMillis());
        m.put("stepsMs", steps.totalMillis());
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < steps.millis().length; i++) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("step", i);
            s.put("op", steps.steps().get(i).qualifiedOpType());
            s.put("node", steps.steps().get(i).name());
            s.put("ms", steps.millis()[i]);
            s.put("share", steps.share(i));
            list.add(s);
        }
        m.put("steps", list);
        return m;
    }
}
