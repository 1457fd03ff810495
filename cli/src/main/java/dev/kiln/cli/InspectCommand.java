package dev.kiln.cli;

import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.IrPrinter;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Signature;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.CheckSupport;
import dev.kiln.compiler.passes.PassPipeline;
import dev.kiln.report.CompileReport;
import dev.kiln.report.HtmlReport;
import dev.kiln.report.LayerTimings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln inspect}: what a model declares and uses, and every op Kiln cannot compile. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Show a model's inputs, outputs, opset imports, IR version, producer, op histogram and "
                + "every unsupported op at once.",
            "With --after PASS: compile (with the binding options) and print the IR after that pass.",
            "With --report FILE.html: compile (with the binding, target and cpu options) and write the compile report; "
                + "with --profile too, with each layer's measured time (--threads, --warmup, --runs, --seed as for "
                + "bench)."})
final class InspectCommand implements Callable<Integer> {
    private static final int PROFILE_RUNS = 20;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "The ONNX model file: .onnx (protobuf) or .onnxtxt (ONNX's text syntax).")
    private Path model;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @Option(names = "--after", paramLabel = "PASS",
            description = "Print the IR after this pass (e.g. fold-constants, fuse-conv-residual).")
    private String afterPass;

    @Option(names = "--report", paramLabel = "FILE.html",
            description = "Write the compile report (graph before and after the passes, layers, memory) to this file.")
    private Path report;

    @Option(names = "--profile", description = "With --report: time each layer on the model's debug build (warmed "
            + "up until the JIT is quiet, then " + PROFILE_RUNS + " runs on seeded random input, 1 thread; see "
            + "--threads, --warmup, --runs, --seed) and show the times in the report.")
    private boolean profile;

    @Option(names = "--threads", paramLabel = "N", description = "With --profile: the thread count to time the "
            + "layers at (default: 1).")
    private Integer threads;

    @Option(names = "--warmup", paramLabel = "N", description = "With --profile: unmeasured runs first (default: "
            + "until 10 runs in a row in which the JIT compiled nothing, at most 2000 runs or 2 minutes).")
    private Integer warmup;

    @Option(names = "--runs", paramLabel = "N", description = "With --profile: measured runs (default: "
            + PROFILE_RUNS + ").")
    private Integer runs;

    @Option(names = "--seed", paramLabel = "N", description = "With --profile: seed of the random input "
            + "(default: 0).")
    private Long seed;

    @CommandLine.Mixin
    private BindingOptions binding;

    @CommandLine.Mixin
    private TargetOption target;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (profile && report == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--profile times the layers for the report: give it with --report FILE.html");
        }
        if (!profile && (threads != null || warmup != null || runs != null || seed != null)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--threads, --warmup, --runs and --seed say how --profile measures: give them with --profile");
        }
        if ((warmup != null && warmup < 0) || (runs != null && runs < 1) || (threads != null && threads < 1)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--runs must be >= 1, --warmup >= 0 and --threads >= 1");
        }
        if (report != null) {
            if (afterPass != null || json) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--report writes a page: give it without --after and --json");
            }
            KilnOptions options = target.options().withBindings(binding.toBindings());
            HtmlReport.write(CompileReport.build(model, options, c -> profile ? timings(c, options)
                    : LayerTimings.NONE), report);
            out.println("wrote " + report);
            out.flush();
            return 0;
        }
        if (afterPass != null) {
            printAfter(out);
            return 0;
        }
        Model m = OnnxImporter.read(model);
        List<CheckSupport.Unsupported> unsupported = CheckSupport.find(m.graph(), OpRegistry.standard());
        if (json) {
            out.println(Json.write(toJson(m, unsupported)));
        } else {
            printText(out, m, unsupported);
        }
        out.flush();
        return 0;
    }

    /** The layers' times, measured on the debug build of the compilation the report shows. */
    private LayerTimings timings(Compilation c, KilnOptions options) {
        long inputSeed = seed == null ? 0 : seed;
        LayerProfile p = LayerProfile.measure(c, options, ModelInputs.random(c.model().graph(), inputSeed),
                threads == null ? 1 : threads, warmup, runs == null ? PROFILE_RUNS : runs);
        return LayerTimings.measured(p.steps().millis(), p.how() + ", random normal input (seed " + inputSeed + ")");
    }

    private void printAfter(PrintWriter out) {
        KilnOptions options = target.options();
        List<String> passes = new ArrayList<>(PassPipeline.standard(OpRegistry.standard()).names());
        options.backend().passes(options.cpu()).forEach(p -> passes.add(p.name()));
        if (!passes.contains(afterPass)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--after: no pass named '" + afterPass + "' (passes: " + String.join(", ", passes) + ")");
        }
        Compilation.of(model, options.withBindings(binding.toBindings()).withAfterEachPass((pass, graph) -> {
            if (pass.name().equals(afterPass)) {
                out.println("# " + model + " after " + afterPass + " (target " + target.target() + ", cpu "
                        + options.cpu().name() + ")");
                out.print(IrPrinter.print(graph));
            }
        }).compileOptions());
        out.flush();
    }

    private void printText(PrintWriter out, Model m, List<CheckSupport.Unsupported> unsupported) {
        out.println("model     " + model);
        out.println("producer  " + (m.producer().isEmpty() ? "(not given)" : m.producer()));
        out.println("IR        version " + m.irVersion());
        out.println("opsets    " + String.join(", ", m.opsets().entrySet().stream()
                .map(e -> (e.getKey().isEmpty() ? "ai.onnx" : e.getKey()) + " " + e.getValue()).toList()));
        out.println("inputs");
        m.inputs().forEach(s -> out.println("  " + s.name() + "  " + s));
        out.println("outputs");
        m.outputs().forEach(s -> out.println("  " + s.name() + "  " + s));
        Map<String, Integer> ops = m.graph().opHistogram();
        out.println("ops       " + m.graph().nodes().size() + " nodes, " + ops.size() + " op types");
        ops.forEach((op, n) -> out.println(String.format("  %-28s %d", op, n)));
        if (unsupported.isEmpty()) {
            out.println("unsupported ops: none");
        } else {
            out.println("unsupported ops: " + unsupported.size());
            for (CheckSupport.Unsupported u : unsupported) {
                out.println("  " + u.opType() + " (" + domain(u.domain()) + " opset " + u.opset() + "; " + u.reason()
                        + ") at " + String.join(", ", u.nodes()));
            }
        }
    }

    private Map<String, Object> toJson(Model m, List<CheckSupport.Unsupported> unsupported) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("model", model.toString());
        j.put("producer", m.producer());
        j.put("irVersion", m.irVersion());
        Map<String, Object> opsets = new LinkedHashMap<>();
        m.opsets().forEach((d, v) -> opsets.put(domain(d), v));
        j.put("opsets", opsets);
        j.put("inputs", m.inputs().stream().map(InspectCommand::signature).toList());
        j.put("outputs", m.outputs().stream().map(InspectCommand::signature).toList());
        j.put("nodes", m.graph().nodes().size());
        j.put("ops", m.graph().opHistogram());
        j.put("unsupported", unsupported.stream().map(u -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("op", u.opType());
            e.put("domain", domain(u.domain()));
            e.put("opset", u.opset());
            e.put("reason", u.reason());
            // CheckSupport quotes node names for messages; JSON readers want them bare.
            e.put("nodes", u.nodes().stream().map(n -> n.startsWith("'") ? n.substring(1, n.length() - 1) : n).toList());
            return e;
        }).toList());
        return j;
    }

    private static Map<String, Object> signature(Signature s) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", s.name());
        e.put("type", s.type() == null ? null : s.type().onnxName());
        e.put("shape", s.dims() == null ? null
                : s.dims().stream().map(d -> (Object) (d.isKnown() ? (Object) d.value() : d.toString())).toList());
        return e;
    }

    private static String domain(String d) {
        return d.isEmpty() ? "ai.onnx" : d;
    }
}
