package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.FusedConv;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Moves a residual addition {@code conv(x) + r} (r of the output's shape) into the
 * convolution's epilogue, so the sum is written once: FusedConv with input R.
 */
public final class FuseConvResidual extends RewritePass {
    @Override
    public String name() {
        return "fuse-conv-residual";
    }

    @Override
    public String description() {
        return "Conv (or FusedConv) + Add of a same-shaped tensor becomes FusedConv with a residual input";
    }


    @Override
    protected Rewrite match(Node conv, Match m) {
        boolean plain = conv.is("Conv");
        boolean fused = conv.opType().equals(FusedConv.OP_TYPE) && conv.domain().equals(Node.KILN_DOMAIN)
                && conv.input(3) == null;
        if (!(plain || fused)) {
            return null;
        }
        Node add = m.onlyReader(conv.output(), "Add");
        if (add == null) {
            return null;
        }
        Value residual = Match.other(add, conv.output());
        if (residual == null || !residual.type().equals(conv.output().type())
                || !add.output().type().sameShape(conv.output().type())) {
            return null;
        }
        List<Value> inputs = new ArrayList<>(Arrays.asList(conv.input(0), conv.input(1), conv.input(2), residual));
        Node result = new Node(FusedConv.OP_TYPE, Node.KILN_DOMAIN, conv.name(), 1, conv.attributes().copy(),
                inputs, List.of(add.output()));
        return new Rewrite(List.of(conv, add), add, result);
    }
}
