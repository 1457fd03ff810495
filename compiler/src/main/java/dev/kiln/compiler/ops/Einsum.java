package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Einsum (opset 12+): the equation names every axis of every input with a letter
 * ("..." stands for the broadcast leading axes); the output keeps the letters after
 * "->" (or, without an arrow, the letters used once, sorted, after the "..." axes)
 * and sums the product of the inputs over all the other letters. A letter repeated
 * in one input walks its diagonal.
 */
public final class Einsum extends OpDef {
    public Einsum() {
        super("Einsum", 12);
    }

    /**
     * The loop structure: one index per distinct letter (ellipsis axes get their own).
     *
     * @param sizes the extent of each index
     * @param outputs how many indices the output has: indices {@code [0, outputs)} are the output's
     *     axes in order, the rest are summed over
     * @param strides per input, its element stride along each index (0 when the input does not use it)
     * @param labels each index's letter ("#1" for the last ellipsis axis, "#2" the one before...)
     */
    public record Params(long[] sizes, int outputs, long[][] strides, String[] labels) {
        public long[] outDims() {
            return java.util.Arrays.copyOf(sizes, outputs);
        }
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        String equation = ctx.attributes().getString("equation", null);
        if (equation == null) {
            throw ctx.error("attribute equation is required");
        }
        String eq = equation.replace(" ", "");
        int arrow = eq.indexOf("->");
        String[] terms = (arrow < 0 ? eq : eq.substring(0, arrow)).split(",", -1);
        if (terms.length != ctx.inputCount()) {
            throw ctx.error("equation '" + equation + "' has " + terms.length + " inputs, the node " + ctx.inputCount());
        }
        // Each input's axes as labels: a letter, or "0".."9" style ellipsis labels counted from the right.
        int ellipsis = 0;
        List<List<String>> labels = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            int rank = ctx.input(i).rank();
            List<String> l = parseTerm(ctx, equation, terms[i], rank);
            ellipsis = Math.max(ellipsis, rank - (int) l.stream().filter(s -> !s.equals("...")).count());
            labels.add(l);
        }
        List<String> out = new ArrayList<>();
        if (arrow >= 0) {
            String rhs = eq.substring(arrow + 2);
            out = expand(parseTerm(ctx, equation, rhs, -1), ellipsis);
        } else {
            Map<String, Integer> count = new LinkedHashMap<>();
            for (List<String> l : labels) {
                for (String s : l) {
                    count.merge(s, 1, Integer::sum);
                }
            }
            out.addAll(expand(List.of("..."), ellipsis));
            for (String s : new TreeSet<>(count.keySet())) {
                if (count.get(s) == 1 && Character.isLetter(s.charAt(0))) {
                    out.add(s);
                }
            }
        }
        // index order: output labels first, then the summed ones in order of appearance
        List<String> order = new ArrayList<>(out);
        Map<String, Long> sizes = new LinkedHashMap<>();
        List<List<String>> axes = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            TensorType t = ctx.input(i);
            List<String> l = expand(labels.get(i), t.rank() - (labels.get(i).size() - (labels.get(i).contains("...") ? 1 : 0)));
            axes.add(l);
            for (int d = 0; d < l.size(); d++) {
                String s = l.get(d);
                if (!order.contains(s)) {
                    order.add(s);
                }
                long dim = t.dim(d);
                Long known = sizes.get(s);
                boolean broadcast = s.startsWith("#");
                if (known == null || known == 1 && broadcast) {
                    sizes.put(s, dim);
                } else if (known != dim && !(broadcast && dim == 1)) {
                    throw ctx.error("equation '" + equation + "': label " + s + " is " + known + " and " + dim
                            + " long in different places (input " + i + " " + t.shapeString() + ")");
                }
            }
        }
        for (String s : out) {
            if (!sizes.containsKey(s)) {
                throw ctx.error("equation '" + equation + "': output label " + s + " is in no input");
            }
        }
        long[] size = new long[order.size()];
        for (int v = 0; v < size.length; v++) {
            size[v] = sizes.get(order.get(v));
        }
        long[][] strides = new long[terms.length][order.size()];
        for (int i = 0; i < terms.length; i++) {
            long[] dims = ctx.input(i).dims();
            long step = 1;
            for (int d = dims.length - 1; d >= 0; d--) {
                int v = order.indexOf(axes.get(i).get(d));
                if (dims[d] != 1 || size[v] == 1) {
                    strides[i][v] += step; // repeated letters add up: the diagonal
                }
                step *= dims[d];
            }
        }
        return new Params(size, out.size(), strides, order.toArray(new String[0]));
    }

    /** Splits a term into labels, checking letters and at most one "..."; rank -1 skips the rank check. */
    private static List<String> parseTerm(InferContext ctx, String equation, String term, int rank) {
        List<String> l = new ArrayList<>();
        for (int c = 0; c < term.length(); c++) {
            if (term.startsWith("...", c)) {
                if (l.contains("...")) {
                    throw ctx.error("equation '" + equation + "': '" + term + "' has two ellipses");
                }
                l.add("...");
                c += 2;
            } else if (Character.isLetter(term.charAt(c))) {
                l.add(String.valueOf(term.charAt(c)));
            } else {
                throw ctx.error("equation '" + equation + "': unexpected '" + term.charAt(c) + "'");
            }
        }
        int letters = l.size() - (l.contains("...") ? 1 : 0);
        if (rank >= 0 && (letters > rank || !l.contains("...") && letters != rank)) {
            throw ctx.error("equation '" + equation + "': term '" + term + "' does not fit rank " + rank);
        }
        return l;
    }

    /** Replaces "..." by n broadcast labels, right-aligned: "#1" is the last ellipsis axis. */
    private static List<String> expand(List<String> labels, int n) {
        List<String> out = new ArrayList<>();
        for (String s : labels) {
            if (s.equals("...")) {
                for (int k = n; k >= 1; k--) {
                    out.add("#" + k);
                }
            } else {
                out.add(s);
            }
        }
        return out;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ElementType t = ctx.expectType(0, Types.NUMERIC);
        for (int i = 1; i < ctx.inputCount(); i++) {
            ctx.expectSameType(0, i);
        }
        return List.of(new TensorType(t, params(ctx).outDims()));
    }
}
