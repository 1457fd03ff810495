package dev.kiln.cli;

import dev.kiln.codegen.KilnOptions;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code --target}, {@code --cpu} and {@code --no-scalar-fallback}: the back end and the CPU
 * profile, shared by the commands that generate code.
 */
final class TargetOption {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--target", paramLabel = "T", defaultValue = "java",
            description = "The back end (default: ${DEFAULT-VALUE}; targets: java, vector).")
    private String target;

    @Option(names = "--no-scalar-fallback",
            description = "With --target vector: a JVM that cannot run the Vector API kernels refuses to load the "
                + "model, naming what is missing, instead of running the scalar kernels emitted alongside.")
    private boolean noScalarFallback;

    @Option(names = "--cpu", paramLabel = "PROFILE", defaultValue = "x86-64-v3",
            description = {"The CPU profile the code is shaped for (default: ${DEFAULT-VALUE}): generic (128-bit "
                + "vectors), x86-64-v3 (AVX2), x86-64-v4 (AVX-512), neon (64-bit ARM), or native (this machine; "
                + "the output then depends on where it is built)."})
    private String cpu;

    /** The default options with this back end and profile. */
    KilnOptions options() {
        KilnOptions o = KilnOptions.defaults();
        try {
            o = o.withTarget(target);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--target: " + e.getMessage());
        }
        try {
            return o.withCpu(cpu).withScalarFallback(!noScalarFallback);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cpu: " + e.getMessage());
        }
    }

    String target() {
        return target;
    }
}
