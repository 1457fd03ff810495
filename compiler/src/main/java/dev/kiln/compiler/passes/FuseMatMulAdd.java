package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import java.util.List;

/**
 * Turns {@code MatMul(A, B) + C} on matrices into {@code Gemm(A, B, C)} when C
 * broadcasts to the product's shape, so the bias is added as the product is written.
 */
public final class FuseMatMulAdd extends RewritePass {
    @Override
    public String name() {
        return "fuse-matmul-add";
    }

    @Override
    public String description() {
        return "MatMul + Add on 2-D operands becomes Gemm";
    }


    @Override
    protected Rewrite match(Node mm, Match m) {
        if (!mm.is("MatMul") || mm.input(0).type().rank() != 2 || mm.input(1).type().rank() != 2) {
            return null;
        }
        Node add = m.onlyReader(mm.output(), "Add");
        if (add == null) {
            return null;
        }
        Value c = Match.other(add, mm.output());
        if (c == null || c.type().rank() > 2 || !add.output().type().sameShape(mm.output().type())
                || c.type().elementType() != mm.output().type().elementType()) {
            return null;
        }
        Node gemm = new Node("Gemm", "", mm.name(), 13, new Attributes(),
                List.of(mm.input(0), mm.input(1), c), List.of(add.output()));
        return new Rewrite(List.of(mm, add), add, gemm);
    }
}
