package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.InferContext;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Shape inference and constant folding in one walk over the graph in order: each
 * node's output types are inferred, and a node whose inputs are all constants (or
 * that needs only their types, like Shape) is evaluated and removed. Doing both in
 * one walk lets the Shape / Gather / Concat chains that exporters leave in resolve
 * before the Reshape or Slice that needs their result.
 */
public final class FoldConstants implements Pass {
    /** Folded results larger than this stay computed at run time (weights transposed by a fold are fine). */
    static final long MAX_FOLDED_ELEMENTS = 64L << 20;

    private final OpRegistry registry;

    public FoldConstants(OpRegistry registry) {
        this.registry = registry;
    }

    @Override
    public String name() {
        return "fold-constants";
    }

    @Override
    public String description() {
        return "infer every value's type and shape; evaluate nodes whose inputs are known at compile time";
    }

    @Override
    public int run(Graph graph) {
        List<Node> folded = new ArrayList<>();
        for (Node node : graph.nodes()) {
            OpDef op = registry.get(node);
            InferContext ctx = new InferContext(node);
            List<TensorType> types = infer(op, ctx);
            for (int i = 0; i < node.outputs().size(); i++) {
                Value out = node.output(i);
                if (out != null) {
                    TensorType t = i < types.size() ? types.get(i) : null;
                    if (t == null) {
                        throw ctx.error("output " + i + " ('" + out.name() + "') is not supported");
                    }
                    out.setType(t);
                }
            }
            if (canFold(op, node, types)) {
                List<Tensor> results = fold(op, ctx);
                if (results != null) {
                    for (int i = 0; i < node.outputs().size(); i++) {
                        if (node.output(i) != null) {
                            node.output(i).setConstant(results.get(i));
                        }
                    }
                    folded.add(node);
                }
            }
        }
        graph.removeNodes(folded);
        return folded.size();
    }

    private static List<TensorType> infer(OpDef op, InferContext ctx) {
        try {
            return op.infer(ctx);
        } catch (Attributes.AttributeException | ArithmeticException e) {
            throw ctx.error(e.getMessage());
        }
    }

    private static List<Tensor> fold(OpDef op, InferContext ctx) {
        try {
            return op.fold(ctx);
        } catch (Attributes.AttributeException | ArithmeticException e) {
            throw ctx.error(e.getMessage());
        }
    }

    private static boolean canFold(OpDef op, Node node, List<TensorType> types) {
        for (TensorType t : types) {
            if (t != null && t.size() > MAX_FOLDED_ELEMENTS) {
                return false;
            }
        }
        if (op.foldsFromTypes()) {
            return true;
        }
        for (Value v : node.inputs()) {
            if (v != null && !v.isConstant()) {
                return false;
            }
        }
        return true;
    }
}
