package dev.kiln.cli;

import dev.kiln.codegen.opencl.host.OpenClException;
import dev.kiln.compiler.CompileException;
import dev.kiln.runtime.WeightFileException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns every failure into one line on stderr, {@code kiln: error: ...}, and an
 * exit code: 2 for bad usage, 1 for a bad model or file. The stack trace is
 * printed only with {@code --debug}; a failure that is not the user's (a Kiln
 * bug) says so and points to {@code --debug}.
 */
final class ErrorReporter implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    private final boolean debug;

    ErrorReporter(boolean debug) {
        this.debug = debug;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        err.println("kiln: error: " + usageMessage(e) + " (see '" + command + " --help')");
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return e.getCommandLine().getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof CommandLine.ParameterException p) {
            return handleParseException(p, parsed.originalArgs().toArray(new String[0]));
        }
        err.println("kiln: error: " + message(e));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return Kiln.EXIT_BAD_INPUT;
    }

    /** Picocli's message, except for an unknown command, which picocli calls an unmatched argument. */
    private static String usageMessage(CommandLine.ParameterException e) {
        CommandLine cl = e.getCommandLine();
        if (e instanceof CommandLine.UnmatchedArgumentException u && cl.getParent() == null
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + u.getUnmatched().get(0) + "' (commands: " + Kiln.commandNames(cl) + ")";
        }
        return firstLine(e.getMessage());
    }

    /** The user-facing text of a failure: the message for expected ones, a pointer to --debug otherwise. */
    private static String message(Exception e) {
        if (e instanceof CompileException || e instanceof WeightFileException || e instanceof KilnException
                || e instanceof UncheckedIOException || isOpenClSetUp(e)) {
            return firstLine(e.getMessage());
        }
        String m = e.getMessage() == null ? "" : ": " + firstLine(e.getMessage());
        return "internal error, a Kiln bug (" + e.getClass().getSimpleName() + m + "); run with --debug for the stack trace";
    }

    /**
     * An opencl model's host class could not set up its device (no OpenCL library, platform
     * or device, ...): a fault of the machine, which the message explains. The exception is
     * the generated package's copy of Kiln's {@link OpenClException}, so it is known by name.
     */
    private static boolean isOpenClSetUp(Exception e) {
        return e.getClass().getSimpleName().equals(OpenClException.class.getSimpleName());
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl) + " ...";
    }
}
