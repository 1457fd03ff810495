package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Value;
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

/** {@code kiln verify}: Kiln against ONNX Runtime (and/or a saved output) on the same input. */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run a model with Kiln and with ONNX Runtime on the same input (a file, or seeded random "
                + "normal values) and check max|kiln - ref| <= TOLERANCE * max(1, max|ref|) for every float output.",
            "Exits with 3 if any comparison fails."})
final class VerifyCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "The ONNX model file: .onnx (protobuf) or .onnxtxt (ONNX's text syntax).")
    private Path model;

    @Option(names = "--input", paramLabel = "IN.bin",
            description = "Raw float32 input data (repeat for several inputs, in graph order). Default: random.")
    private List<Path> inputs = new ArrayList<>();

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Seed of the random standard-normal input (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--tolerance", paramLabel = "T", defaultValue = "1e-4",
            description = "The relative tolerance (default: ${DEFAULT-VALUE}).")
    private double tolerance;

    @Option(names = "--reference", paramLabel = "OUT.bin",
            description = "Also compare the first output with this saved raw float32 output (e.g. PyTorch's).")
    private Path reference;

    @Option(names = "--no-onnxruntime", description = "Do not run ONNX Runtime; compare with --reference only.")
    private boolean noOnnxRuntime;

    @Option(names = "--json", description = "Print the result as JSON.")
    private boolean json;

    @CommandLine.Mixin
    private TargetOption target;

    @CommandLine.Mixin
    private BindingOptions binding;

    @Override
    public Integer call() {
        if (noOnnxRuntime && reference == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--no-onnxruntime leaves nothing to compare with: add --reference OUT.bin");
        }
        if (!(tolerance >= 0)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tolerance must be >= 0");
        }
        InputBindings bindings = binding.toBindings();
        GeneratedModel g = ModelCompiler.compile(model, target.options().withBindings(bindings));
        Graph graph = g.compilation().model().graph();
        float[][] data = inputs.isEmpty() ? ModelInputs.random(graph, seed) : ModelInputs.read(graph, inputs);
        Object[] kiln = LoadedModel.of(g).run((Object[]) data);

        List<Comparison> comparisons = new ArrayList<>();
        List<String> names = graph.outputs().stream().map(Value::name).toList();
        if (!noOnnxRuntime) {
            List<float[]> ort = OnnxRuntimeReference.run(model, graph.inputs(), data, bindings.constants(), names);
            for (int i = 0; i < names.size(); i++) {
                if (kiln[i] instanceof float[] k && ort.get(i) != null) {
                    comparisons.add(Comparison.of("onnxruntime", names.get(i), k, ort.get(i), tolerance));
                }
            }
            if (comparisons.isEmpty()) {
                throw new KilnException("the model has no float output to compare");
            }
        }
        if (reference != null) {
            if (!(kiln[0] instanceof float[] k)) {
                throw new KilnException("--reference: output '" + names.get(0) + "' is not float");
            }
            comparisons.add(Comparison.of(reference.toString(), names.get(0), k,
                    RawFloats.read(reference, "--reference"), tolerance));
        }
        boolean passed = comparisons.stream().allMatch(Comparison::passed);
        print(comparisons, passed, g, bindings);
        return passed ? 0 : Kiln.EXIT_MISMATCH;
    }

    private void print(List<Comparison> comparisons, boolean passed, GeneratedModel g, InputBindings bindings) {
        PrintWriter out = spec.commandLine().getOut();
        String input = inputs.isEmpty() ? "random normal, seed " + seed
                : String.join(", ", inputs.stream().map(Path::toString).toList());
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("bindings", bindings.describe());
            m.put("input", input);
            m.put("tolerance", tolerance);
            m.put("comparisons", comparisons.stream().map(Comparison::toJson).toList());
            m.put("passed", passed);
            out.println(Json.write(m));
        } else {
            out.println("verify " + model + " (" + g.qualifiedName() + "), input: " + input);
            for (Comparison c : comparisons) {
                out.println("  " + c.describe());
            }
            out.println(passed ? "verify: passed" : "verify: FAILED");
        }
        out.flush();
    }
}
