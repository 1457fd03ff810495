package dev.kiln.compiler.passes;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks, before anything else, that Kiln knows every op of the graph at the
 * opset the model imports, and reports every problem in one message.
 */
public final class CheckSupport {
    private CheckSupport() {
    }

    /** One op type the graph uses that Kiln cannot compile, with the nodes that use it. */
    public record Unsupported(String opType, String domain, int opset, String reason, List<String> nodes) {
        /** Like {@code LSTM (ai.onnx opset 13; not supported) at nodes 'a', 'b'}. */
        public String describe() {
            String d = domain.isEmpty() ? "ai.onnx" : domain;
            int shown = Math.min(nodes.size(), 3);
            String where = String.join(", ", nodes.subList(0, shown))
                    + (nodes.size() > shown ? " and " + (nodes.size() - shown) + " more" : "");
            return opType + " (" + d + " opset " + opset + "; " + reason + ") at node" + (nodes.size() > 1 ? "s " : " ")
                    + where;
        }
    }

    /** Every unsupported op type in the graph, in order of first use; empty if all are supported. */
    public static List<Unsupported> find(Graph graph, OpRegistry registry) {
        Map<String, Unsupported> found = new LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            String reason = reason(n, registry);
            if (reason != null) {
                String key = n.domain() + ":" + n.opType() + ":" + n.opset();
                found.computeIfAbsent(key, k -> new Unsupported(n.opType(), n.domain(), n.opset(), reason,
                        new ArrayList<>())).nodes().add(n.name().isEmpty() ? "(unnamed)" : "'" + n.name() + "'");
            }
        }
        return new ArrayList<>(found.values());
    }

    /** Throws one error listing every unsupported op, if there is any. */
    public static void check(Graph graph, OpRegistry registry) {
        List<Unsupported> list = find(graph, registry);
        if (!list.isEmpty()) {
            StringBuilder s = new StringBuilder(list.size() == 1 ? "1 unsupported op: " : list.size() + " unsupported ops: ");
            for (int i = 0; i < list.size(); i++) {
                s.append(i == 0 ? "" : "; ").append(list.get(i).describe());
            }
            throw new CompileException(s.toString());
        }
    }

    private static String reason(Node n, OpRegistry registry) {
        if (n.opset() == 0) {
            return "the model does not import domain '" + n.domain() + "'";
        }
        OpDef op = registry.find(n);
        if (op == null) {
            return "not supported";
        }
        if (n.opset() < op.minOpset()) {
            return "Kiln supports this op from opset " + op.minOpset();
        }
        if (n.opset() > op.maxOpset()) {
            return "Kiln supports this op up to opset " + op.maxOpset();
        }
        return null;
    }
}
