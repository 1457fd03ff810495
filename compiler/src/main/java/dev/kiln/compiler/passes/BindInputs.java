package dev.kiln.compiler.passes;

import dev.kiln.compiler.BindingSyntax;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Signature;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives every graph input a concrete type: from its declared signature, with
 * symbolic dimensions filled from {@code --dim} (or from another input's
 * {@code --shape} that fixes the same symbol), whole shapes from {@code --shape},
 * and inputs bound with {@code --const} turned into constants. An input that
 * stays unknown is an error that says which setting fixes it, written in the
 * bindings' {@link BindingSyntax} (the command's flags, or the plugin's POM elements).
 */
public final class BindInputs {
    private BindInputs() {
    }

    public static void apply(Model model, InputBindings bindings) {
        Graph graph = model.graph();
        Set<String> names = new HashSet<>();
        for (Signature s : model.inputs()) {
            names.add(s.name());
        }
        BindingSyntax syntax = bindings.syntax();
        bindings.shapes().forEach((n, dims) -> checkNamed(n, names, syntax.shape(n, dims), model));
        for (String n : bindings.constants().keySet()) {
            checkNamed(n, names, syntax.constant(n, "FILE"), model);
        }
        Map<String, Binding> symbols = new HashMap<>();
        List<Value> inputs = new ArrayList<>(graph.inputs());
        // Inputs with --shape first: the symbols their shapes fix then size the other inputs too.
        List<Integer> order = new ArrayList<>();
        for (boolean shaped : new boolean[] {true, false}) {
            for (int i = 0; i < inputs.size(); i++) {
                if (bindings.shapes().containsKey(model.inputs().get(i).name()) == shaped) {
                    order.add(i);
                }
            }
        }
        for (int i : order) {
            Value v = inputs.get(i);
            Signature sig = model.inputs().get(i);
            Tensor constant = bindings.constants().get(sig.name());
            if (constant != null && bindings.shapes().containsKey(sig.name())) {
                throw new CompileException("input '" + sig.name() + "' is bound by both "
                        + syntax.shape(sig.name(), bindings.shapes().get(sig.name())) + " and "
                        + syntax.constant(sig.name(), "FILE") + "; give one");
            }
            if (constant != null) {
                if (sig.type() != null && constant.elementType() != sig.type()) {
                    throw new CompileException(syntax.constant(sig.name(), "FILE") + " has element type "
                            + constant.elementType().onnxName() + ", the model declares " + sig.type().onnxName());
                }
                if (sig.dims() != null && !fits(sig, constant.type().dims())) {
                    throw new CompileException(syntax.constant(sig.name(), "FILE") + " has shape "
                            + constant.type().shapeString() + ", the model declares " + sig);
                }
                v.setConstant(constant);
                graph.removeInput(v);
                continue;
            }
            v.setType(bind(sig, bindings, symbols));
        }
        for (Map.Entry<String, Long> dim : bindings.dims().entrySet()) {
            if (!symbols.containsKey(dim.getKey())) {
                throw new CompileException(syntax.dim(dim.getKey(), dim.getValue()) + ": no input has a dimension named '"
                        + dim.getKey() + "'" + symbolsHint(model));
            }
        }
    }

    private static TensorType bind(Signature sig, InputBindings bindings, Map<String, Binding> symbols) {
        BindingSyntax syntax = bindings.syntax();
        if (sig.type() == null) {
            throw new CompileException("input '" + sig.name() + "' has no declared element type");
        }
        if (!sig.type().isSupported()) {
            throw new CompileException("input '" + sig.name() + "' has element type " + sig.type().onnxName()
                    + ", which Kiln does not support");
        }
        long[] given = bindings.shapes().get(sig.name());
        if (given != null) {
            if (sig.dims() != null) {
                if (sig.dims().size() != given.length) {
                    throw new CompileException(syntax.shape(sig.name(), given) + " gives " + given.length
                            + " dimensions, the model declares " + sig.dims().size() + " (" + sig + ")");
                }
                for (int a = 0; a < given.length; a++) {
                    Signature.Dim d = sig.dims().get(a);
                    if (d.isKnown() && d.value() != given[a]) {
                        throw new CompileException(syntax.shape(sig.name(), given) + " sets axis " + a + " to " + given[a]
                                + ", but the model fixes it at " + d.value() + " (" + sig + ")");
                    }
                    if (d.symbol() != null) {
                        agree(d.symbol(), given[a], sig, a, bindings, symbols);
                    }
                }
            }
            return new TensorType(sig.type(), given);
        }
        if (sig.dims() == null) {
            throw new CompileException("input '" + sig.name() + "' has no declared shape; give it with "
                    + syntax.shape(sig.name(), "AxBxC..."));
        }
        long[] dims = new long[sig.dims().size()];
        for (int a = 0; a < dims.length; a++) {
            Signature.Dim d = sig.dims().get(a);
            if (d.isKnown()) {
                dims[a] = d.value();
            } else if (d.symbol() != null && bindings.dims().containsKey(d.symbol())) {
                dims[a] = bindings.dims().get(d.symbol());
                symbols.putIfAbsent(d.symbol(), new Binding(sig.name(), dims[a]));
                if (dims[a] < 1) {
                    // An empty batch would only fail later, deep inside some node that cannot take it.
                    throw new CompileException(syntax.dim(d.symbol(), dims[a]) + ": a symbolic dimension's size must be"
                            + " at least 1");
                }
            } else if (d.symbol() != null && symbols.containsKey(d.symbol())) {
                dims[a] = symbols.get(d.symbol()).value(); // fixed by another input's --shape
            } else if (d.symbol() != null) {
                throw new CompileException("input '" + sig.name() + "' (" + sig + ") has a symbolic size '" + d.symbol()
                        + "' on axis " + a + "; pin it with " + syntax.dim(d.symbol(), "N") + " (or "
                        + syntax.shape(sig.name(), example(sig, bindings)) + ")");
            } else {
                throw new CompileException("input '" + sig.name() + "' (" + sig + ") has no size on axis " + a
                        + "; give it with " + syntax.shape(sig.name(), example(sig, bindings)));
            }
        }
        return new TensorType(sig.type(), dims);
    }

    /** The value a symbol took and the input that set it. */
    private record Binding(String input, long value) {
    }

    /**
     * Checks that {@code --shape}'s value for a symbolic axis agrees with {@code --dim} and
     * with the other inputs' bindings of the same symbol, and records it.
     */
    private static void agree(String symbol, long value, Signature sig, int axis, InputBindings bindings,
                              Map<String, Binding> symbols) {
        BindingSyntax syntax = bindings.syntax();
        String what = syntax.shape(sig.name(), bindings.shapes().get(sig.name())) + " sets axis " + axis + " ('" + symbol
                + "') to " + value;
        Long dim = bindings.dims().get(symbol);
        if (dim != null && dim != value) {
            throw new CompileException(what + ", but " + syntax.dim(symbol, dim));
        }
        Binding before = symbols.putIfAbsent(symbol, new Binding(sig.name(), value));
        if (before != null && before.value() != value) {
            throw new CompileException(what + ", but input '" + before.input() + "' already has '" + symbol + "' = "
                    + before.value() + "; inputs that share a dimension name must agree");
        }
    }

    /** Whether {@code dims} has the declared rank and every dimension the model fixes. */
    private static boolean fits(Signature sig, long[] dims) {
        if (sig.dims().size() != dims.length) {
            return false;
        }
        for (int a = 0; a < dims.length; a++) {
            if (sig.dims().get(a).isKnown() && sig.dims().get(a).value() != dims[a]) {
                return false;
            }
        }
        return true;
    }

    private static String example(Signature sig, InputBindings bindings) {
        List<String> parts = new ArrayList<>();
        for (Signature.Dim d : sig.dims()) {
            parts.add(d.isKnown() ? Long.toString(d.value())
                    : d.symbol() != null && bindings.dims().containsKey(d.symbol())
                    ? bindings.dims().get(d.symbol()).toString() : "N");
        }
        return String.join("x", parts);
    }

    private static void checkNamed(String name, Set<String> inputs, String setting, Model model) {
        if (!inputs.contains(name)) {
            throw new CompileException(setting + ": the model has no input named '" + name + "' (inputs: "
                    + String.join(", ", model.inputs().stream().map(Signature::name).toList()) + ")");
        }
    }

    private static String symbolsHint(Model model) {
        List<String> symbols = new ArrayList<>();
        for (Signature s : model.inputs()) {
            if (s.dims() != null) {
                for (Signature.Dim d : s.dims()) {
                    if (d.symbol() != null && !symbols.contains(d.symbol())) {
                        symbols.add(d.symbol());
                    }
                }
            }
        }
        return symbols.isEmpty() ? " (the inputs have no symbolic dimensions)"
                : " (symbolic dimensions: " + String.join(", ", symbols) + ")";
    }
}
