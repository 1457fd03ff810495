package dev.kiln.cli;

import dev.kiln.codegen.OperatorTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kiln operators}: the supported-operator table (docs/operators.md) from the op registry. */
@Command(name = "operators", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Print the table of supported operators (opsets, element types, back ends, notes) as "
                + "Markdown, made from the op registry; docs/operators.md is this output.")
final class OperatorsCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the table to FILE instead.")
    private Path output;

    @Override
    public Integer call() {
        String table = OperatorTable.markdown();
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(table);
            out.flush();
            return 0;
        }
        try {
            Files.writeString(output, table, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KilnException("cannot write " + output + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("wrote " + output);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
