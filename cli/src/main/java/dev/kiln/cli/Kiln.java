package dev.kiln.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kiln} command: compile ONNX models to Java source, run and verify
 * them, inspect models, run the ONNX node tests, and a demo.
 *
 * <p>Exit codes: 0 success, 1 a bad model or input file, 2 bad usage, 3 a
 * verification or conformance run that found differences.
 */
@Command(name = "kiln", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Compiles ONNX models ahead of time into plain Java source.",
        subcommands = {CompileCommand.class, RunCommand.class, VerifyCommand.class, BenchCommand.class, InspectCommand.class,
            PrintCommand.class, OperatorsCommand.class,
            ConformanceCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:a bad model, input file or output directory",
            "2:bad usage (unknown option, missing or malformed value)",
            "3:verify or conformance found results out of tolerance"})
public final class Kiln implements Runnable {
    /** Exit code for a bad model or input file (picocli's own: 0 ok, 2 usage). */
    public static final int EXIT_BAD_INPUT = 1;
    /** Exit code when verify or conformance finds differences. */
    public static final int EXIT_MISMATCH = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    // Read by ErrorReporter from the arguments (it must know before parsing succeeds); declared so every command accepts it.
    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "On an error, also print its stack trace.")
    private boolean debug;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "no command given (commands: " + commandNames(spec.commandLine()) + ")");
    }

    /** The commands, as the errors for a missing or unknown one list them. */
    static String commandNames(CommandLine kiln) {
        return String.join(", ", kiln.getSubcommands().keySet());
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }

    /** Runs the command line with the given streams and returns the exit code; the tests call this. */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        return commandLine(out, err, args).execute(args);
    }

    /** A command line set up as {@code main} uses it: one-line errors, {@code --debug} for stack traces. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
        ErrorReporter errors = new ErrorReporter(java.util.Arrays.asList(args).contains("--debug"));
        CommandLine cl = new CommandLine(new Kiln());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(errors);
        cl.setParameterExceptionHandler(errors);
        // Every command's --help lists the exit codes, not only the top-level one.
        var usage = cl.getCommandSpec().usageMessage();
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.getCommandSpec().usageMessage().exitCodeListHeading(usage.exitCodeListHeading())
                    .exitCodeList(usage.exitCodeList());
        }
        return cl;
    }
}
