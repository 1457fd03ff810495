package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.Node;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every op Kiln knows, by domain and op type. Ops are registered by family, each
 * family in its own class ({@link ElementwiseOps}, {@link NeuralOps},
 * {@link ShapeOps}, {@link ReductionOps}); to add an op, add it to its family.
 */
public final class OpRegistry {
    private static final OpRegistry STANDARD = new OpRegistry();

    private final Map<String, OpDef> ops = new LinkedHashMap<>();

    private OpRegistry() {
        ElementwiseOps.register(this);
        NeuralOps.register(this);
        ReductionOps.register(this);
        ShapeOps.register(this);
    }

    /** The registry of every op Kiln supports. */
    public static OpRegistry standard() {
        return STANDARD;
    }

    void add(OpDef op) {
        String key = key(op.domain(), op.opType());
        if (ops.containsKey(key)) {
            throw new IllegalStateException("op " + key + " registered twice");
        }
        ops.put(key, op);
    }

    private static String key(String domain, String opType) {
        return domain + ":" + opType;
    }

    /** The op of this node, or null if Kiln does not know it. */
    public OpDef find(Node node) {
        return ops.get(key(node.domain(), node.opType()));
    }

    /** The op of this node; the node must be of a known op. */
    public OpDef get(Node node) {
        OpDef op = find(node);
        if (op == null) {
            throw new IllegalStateException("no op definition for " + node.describe());
        }
        return op;
    }

    public Collection<OpDef> all() {
        return Collections.unmodifiableCollection(ops.values());
    }
}
