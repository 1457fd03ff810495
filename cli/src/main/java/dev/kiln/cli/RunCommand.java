package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.compiler.ir.Value;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln run}: compile, build in process, run once, write the first output. */
@Command(name = "run", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Compile a model with the real emitter and javac (in process), run it once on an input "
                + "file and write its first output.",
            "Input and output files are raw little-endian float32, row-major, no header."})
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL",
            description = "The ONNX model file: .onnx (protobuf) or .onnxtxt (ONNX's text syntax).")
    private Path model;

    @Option(names = "--input", required = true, paramLabel = "IN.bin",
            description = "Raw float32 data of an input, exactly its shape's element count; repeat for several "
                    + "inputs, in graph order.")
    private List<Path> inputs;

    @Option(names = "--output", required = true, paramLabel = "OUT.bin",
            description = "Where to write the first output, as raw float32.")
    private Path output;

    @CommandLine.Mixin
    private TargetOption target;

    @CommandLine.Mixin
    private BindingOptions binding;

    @Override
    public Integer call() {
        GeneratedModel g = ModelCompiler.compile(model, binding, target);
        float[][] data = ModelInputs.read(g.compilation().model().graph(), inputs);
        Object[] results = LoadedModel.of(g).run((Object[]) data);
        Value first = g.compilation().model().graph().outputs().get(0);
        if (!(results[0] instanceof float[] values)) {
            throw new KilnException("output '" + first.name() + "' is " + first.type()
                    + "; kiln run writes float outputs only");
        }
        RawFloats.write(output, values);
        PrintWriter out = spec.commandLine().getOut();
        out.println("wrote " + output + ": output '" + first.name() + "' " + first.type() + ", " + values.length
                + " float32 values");
        out.flush();
        return 0;
    }
}
