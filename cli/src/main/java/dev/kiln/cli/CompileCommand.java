package dev.kiln.cli;

import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.passes.PassPipeline;
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

/** {@code kiln compile}: writes the generated class and its weight file. */
@Command(name = "compile", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Compile an ONNX model into DIR/PACKAGE/CLASS.java and DIR/PACKAGE/CLASS.weights.")
final class CompileCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "The ONNX model file: .onnx (protobuf) or .onnxtxt (ONNX's text syntax).")
    private Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
            description = "The source root to write to (e.g. src/main/java).")
    private Path outputDir;

    @Option(names = "--package", paramLabel = "P", description = "The Java package (default: kiln.generated).")
    private String packageName = GenerateOptions.DEFAULT_PACKAGE;

    @Option(names = "--class", paramLabel = "C",
            description = "The class name (default: the model file name in UpperCamelCase).")
    private String className;

    @CommandLine.Mixin
    private TargetOption target;

    @Option(names = "--standalone",
            description = "Copy the few runtime classes into the package, so the output needs only a JDK.")
    private boolean standalone;

    @Option(names = "--instrumented",
            description = "The debug build: the class also times each kernel step (stepNanos()) and returns every "
                + "intermediate value (intermediates(...)); what bench --profile and verify --all-layers use.")
    private boolean instrumented;

    @Option(names = "--json", description = "Print the summary as JSON.")
    private boolean json;

    @CommandLine.Mixin
    private BindingOptions binding;

    @Override
    public Integer call() {
        KilnOptions options = target.options().withBindings(binding.toBindings())
                .withPackage(packageName).withClassName(className).withStandalone(standalone)
                .withInstrumented(instrumented);
        try {
            options.generateOptions(model.getFileName().toString());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        GeneratedModel g = ModelCompiler.compile(model, options);
        List<Path> files;
        try {
            files = g.writeTo(outputDir);
        } catch (OutOfMemoryError e) {
            throw ModelCompiler.outOfMemory(model, "writing its output", e);
        }
        Map<String, Object> summary = summary(g, files);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(summary));
        } else {
            printText(out, g, files);
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> summary(GeneratedModel g, List<Path> files) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("model", model.toString());
        s.put("class", g.qualifiedName());
        s.put("target", target.target());
        s.put("cpu", g.compilation().profile().name());
        s.put("files", files.stream().map(Path::toString).toList());
        s.put("importedNodes", total(g.compilation().importedOps()));
        s.put("importedOps", g.compilation().importedOps());
        s.put("nodes", g.compilation().model().graph().nodes().size());
        s.put("ops", g.compilation().model().graph().opHistogram());
        List<Object> passes = new ArrayList<>();
        for (PassPipeline.Step step : g.compilation().steps()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("pass", step.pass());
            p.put("rewrites", step.rewrites());
            p.put("nodesAfter", step.nodesAfter());
            passes.add(p);
        }
        s.put("passes", passes);
        s.put("kernelMethods", g.stats().kernelMethods());
        s.put("steps", g.stats().steps());
        s.put("weightBytes", g.weightBytes());
        s.put("arenaBytes", g.compilation().plan().arenaBytes());
        s.put("fingerprint", g.fingerprint());
        return s;
    }

    private void printText(PrintWriter out, GeneratedModel g, List<Path> files) {
        out.println("compiled " + model + " -> " + g.qualifiedName() + " (target " + target.target() + ")");
        out.println("  cpu     " + g.compilation().profile().summary());
        for (Path f : files) {
            out.println("  wrote   " + f);
        }
        out.println("  ops     " + total(g.compilation().importedOps()) + " nodes imported, "
                + g.compilation().model().graph().nodes().size() + " after the passes, "
                + g.stats().steps() + " kernel calls in " + g.stats().kernelMethods() + " kernel methods");
        List<String> applied = new ArrayList<>();
        for (PassPipeline.Step step : g.compilation().steps()) {
            if (step.rewrites() > 0) {
                applied.add(step.pass() + " (" + step.rewrites() + ")");
            }
        }
        out.println("  passes  " + (applied.isEmpty() ? "none rewrote anything" : String.join(", ", applied)));
        out.println("  weights " + g.weightBytes() + " bytes");
        out.println("  arena   " + g.compilation().plan().arenaBytes() + " bytes per thread");
    }

    private static int total(Map<String, Integer> histogram) {
        return histogram.values().stream().mapToInt(Integer::intValue).sum();
    }
}
