package dev.kiln.cli;

import dev.kiln.compiler.onnx.ModelFile;
import dev.kiln.compiler.onnx.text.OnnxTextPrinter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln print}: a model, either form, in ONNX's text syntax. */
@Command(name = "print", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Print a model (.onnx or .onnxtxt) in ONNX's text syntax, which Kiln also reads as .onnxtxt.",
            "Tensors of more than " + OnnxTextPrinter.SHOWN_VALUES + " values are elided unless --weights is given."})
final class PrintCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model file (.onnx or .onnxtxt).")
    private Path model;

    @Option(names = "--weights", description = "Write every tensor's values, so the text is the whole model.")
    private boolean weights;

    @Override
    public Integer call() {
        String text = OnnxTextPrinter.print(ModelFile.read(model).proto(), weights);
        PrintWriter out = spec.commandLine().getOut();
        out.print(text);
        out.flush();
        return 0;
    }
}
