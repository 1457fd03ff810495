package dev.kiln.compiler.ir;

import java.util.Map;
import java.util.StringJoiner;

/**
 * Prints a graph as text, one node per line:
 * <pre>
 * %y:float[1,16,112,112] = FusedConv(%x, %w, %b) {activation="HardSwish", ...}  # /stem/Conv
 * </pre>
 * Constants are printed by type (with their values when tiny).
 */
public final class IrPrinter {
    private IrPrinter() {
    }

    public static String print(Graph graph) {
        Map<Value, String> names = graph.uniqueNames();
        StringBuilder s = new StringBuilder();
        for (Value in : graph.inputs()) {
            s.append("input  %").append(names.get(in)).append(':').append(in.type() == null ? "?" : in.type()).append('\n');
        }
        for (Node n : graph.nodes()) {
            StringJoiner outs = new StringJoiner(", ");
            for (Value v : n.outputs()) {
                outs.add(v == null ? "_" : "%" + names.get(v) + ":" + (v.type() == null ? "?" : v.type()));
            }
            StringJoiner ins = new StringJoiner(", ");
            for (Value v : n.inputs()) {
                ins.add(v == null ? "_" : v.isConstant() && v.constant().size() <= 4
                        ? v.constant().toString() : "%" + names.get(v) + (v.isConstant() ? "(const)" : ""));
            }
            String op = n.domain().isEmpty() ? n.opType() : n.domain() + "." + n.opType();
            s.append(outs).append(" = ").append(op).append('(').append(ins).append(')');
            if (!n.attributes().all().isEmpty()) {
                StringJoiner attrs = new StringJoiner(", ", " {", "}");
                for (Attribute a : n.attributes().all()) {
                    attrs.add(a.name() + "=" + a.valueString());
                }
                s.append(attrs);
            }
            if (!n.name().isEmpty()) {
                s.append("  # ").append(n.name());
            }
            s.append('\n');
        }
        for (Value out : graph.outputs()) {
            s.append("output %").append(names.get(out)).append('\n');
        }
        return s.toString();
    }
}
