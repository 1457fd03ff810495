package dev.kiln.codegen;

import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.passes.Pass;
import dev.kiln.compiler.target.TargetProfile;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Everything {@link Kiln#compile} takes besides the model, with the defaults of the
 * command line: back end {@code java}, CPU profile {@link TargetProfile#DEFAULT},
 * package {@code kiln.generated}, a class named after the model file, no bindings.
 * Immutable; each {@code with} method returns a changed copy.
 *
 * <pre>{@code
 * KilnOptions options = KilnOptions.defaults()
 *         .withPackage("com.example").withClassName("Classifier")
 *         .withTarget("java").withCpu("x86-64-v3")
 *         .withShape("input", 1, 3, 224, 224);
 * }</pre>
 *
 * @param target the back end's name ({@link Backends#ids()})
 * @param cpu the CPU profile
 * @param packageName the generated package
 * @param className the generated class's name, or null for one made from the model file's name
 * @param standalone whether the runtime classes are copied into the package
 * @param scalarFallback with Vector API kernels: whether a JVM that cannot run them runs the scalar
 *     kernels emitted alongside (the default) or refuses to load the model
 * @param bindings input shapes, symbolic dimensions and constant inputs
 * @param disabledPasses passes to leave out, by name
 * @param afterEachPass sees the graph after each pass (for listings); does nothing by default
 */
public record KilnOptions(String target, TargetProfile cpu, String packageName, String className, boolean standalone,
                          boolean scalarFallback, InputBindings bindings, Set<String> disabledPasses,
                          BiConsumer<Pass, Graph> afterEachPass) {

    public KilnOptions {
        disabledPasses = Set.copyOf(disabledPasses);
    }

    public static KilnOptions defaults() {
        return new KilnOptions(Backends.DEFAULT, TargetProfile.DEFAULT, GenerateOptions.DEFAULT_PACKAGE, null, false, true,
                new InputBindings(), Set.of(), (pass, graph) -> { });
    }

    /** @throws IllegalArgumentException naming the choices, for an unknown back end */
    public KilnOptions withTarget(String t) {
        Backends.get(t);
        return new KilnOptions(t, cpu, packageName, className, standalone, scalarFallback, bindings, disabledPasses, afterEachPass);
    }

    public KilnOptions withCpu(TargetProfile p) {
        return new KilnOptions(target, p, packageName, className, standalone, scalarFallback, bindings, disabledPasses, afterEachPass);
    }

    /** @throws IllegalArgumentException naming the choices, for an unknown profile */
    public KilnOptions withCpu(String profileName) {
        return withCpu(TargetProfile.named(profileName));
    }

    public KilnOptions withPackage(String p) {
        return new KilnOptions(target, cpu, p, className, standalone, scalarFallback, bindings, disabledPasses, afterEachPass);
    }

    public KilnOptions withClassName(String c) {
        return new KilnOptions(target, cpu, packageName, c, standalone, scalarFallback, bindings, disabledPasses, afterEachPass);
    }

    public KilnOptions withStandalone(boolean s) {
        return new KilnOptions(target, cpu, packageName, className, s, scalarFallback, bindings, disabledPasses, afterEachPass);
    }

    public KilnOptions withScalarFallback(boolean f) {
        return new KilnOptions(target, cpu, packageName, className, standalone, f, bindings, disabledPasses,
                afterEachPass);
    }

    public KilnOptions withBindings(InputBindings b) {
        return new KilnOptions(target, cpu, packageName, className, standalone, scalarFallback, b, disabledPasses, afterEachPass);
    }

    /** Pins a whole input shape ({@code --shape}). */
    public KilnOptions withShape(String input, long... dims) {
        return withBindings(copyOfBindings().shape(input, dims));
    }

    /** Pins a symbolic dimension ({@code --dim}). */
    public KilnOptions withDim(String symbol, long value) {
        return withBindings(copyOfBindings().dim(symbol, value));
    }

    public KilnOptions withDisabledPasses(Set<String> names) {
        return new KilnOptions(target, cpu, packageName, className, standalone, scalarFallback, bindings, names, afterEachPass);
    }

    public KilnOptions withAfterEachPass(BiConsumer<Pass, Graph> listener) {
        return new KilnOptions(target, cpu, packageName, className, standalone, scalarFallback, bindings, disabledPasses, listener);
    }

    /** The back end named by {@link #target}. */
    public Backend backend() {
        return Backends.get(target);
    }

    /** What the compiler takes. */
    public CompileOptions compileOptions() {
        return new CompileOptions(bindings, cpu, backend(), disabledPasses, afterEachPass);
    }

    /** How the back end names the output, for a model file called {@code modelFileName}. */
    public GenerateOptions generateOptions(String modelFileName) {
        String name = className != null ? className : GenerateOptions.classNameFor(modelFileName);
        return new GenerateOptions(packageName, name, standalone, scalarFallback);
    }

    private InputBindings copyOfBindings() {
        InputBindings b = new InputBindings().syntax(bindings.syntax());
        bindings.shapes().forEach(b::shape);
        bindings.dims().forEach(b::dim);
        bindings.constants().forEach(b::constant);
        return b;
    }
}
