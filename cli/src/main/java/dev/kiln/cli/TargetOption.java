package dev.kiln.cli;

import dev.kiln.codegen.Target;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --target}: the back end, shared by the commands that generate code. */
final class TargetOption {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", paramLabel = "T", defaultValue = "java",
            description = "The back end (default: ${DEFAULT-VALUE}; targets: java).")
    private String target;

    Target target() {
        try {
            return Target.of(target);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--target: " + e.getMessage());
        }
    }
}
