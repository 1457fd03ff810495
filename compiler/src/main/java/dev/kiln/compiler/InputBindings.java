package dev.kiln.compiler;

import dev.kiln.compiler.ir.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the user pins down about a model's inputs before compiling: whole input
 * shapes ({@code --shape input=1x3x224x224}), symbolic dimensions
 * ({@code --dim batch=1}) and inputs that become constants ({@code --const k=k.pb}).
 */
public final class InputBindings {
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Map<String, Long> dims = new LinkedHashMap<>();
    private final Map<String, Tensor> constants = new LinkedHashMap<>();
    private BindingSyntax syntax = BindingSyntax.COMMAND_LINE;

    public InputBindings shape(String input, long... dims) {
        shapes.put(input, dims.clone());
        return this;
    }

    public InputBindings dim(String symbol, long value) {
        dims.put(symbol, value);
        return this;
    }

    public InputBindings constant(String input, Tensor value) {
        constants.put(input, value);
        return this;
    }

    /** How errors write a binding (default: the {@code kiln} command's options). */
    public InputBindings syntax(BindingSyntax syntax) {
        this.syntax = syntax;
        return this;
    }

    public BindingSyntax syntax() {
        return syntax;
    }

    public Map<String, long[]> shapes() {
        return shapes;
    }

    public Map<String, Long> dims() {
        return dims;
    }

    public Map<String, Tensor> constants() {
        return constants;
    }

    /** A stable text form, part of the compile fingerprint and the generated header. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        shapes.forEach((k, v) -> s.append(" --shape ").append(k).append('=')
                .append(String.join("x", java.util.Arrays.stream(v).mapToObj(Long::toString).toList())));
        dims.forEach((k, v) -> s.append(" --dim ").append(k).append('=').append(v));
        constants.forEach((k, v) -> s.append(" --const ").append(k).append('=').append(v.type()));
        return s.toString().trim();
    }
}
