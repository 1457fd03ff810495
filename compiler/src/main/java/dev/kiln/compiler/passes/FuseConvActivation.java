package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.FusedConv;
import java.util.ArrayList;
import java.util.List;

/**
 * Moves an activation (HardSwish, Relu, Gelu, Clip...) that follows a convolution
 * into the convolution's epilogue: one Kiln FusedConv writes act(conv + bias).
 */
public final class FuseConvActivation extends RewritePass {
    @Override
    public String name() {
        return "fuse-conv-activation";
    }

    @Override
    public String description() {
        return "Conv followed by an activation becomes FusedConv with that activation";
    }


    @Override
    protected Rewrite match(Node conv, Match m) {
        boolean plain = conv.is("Conv");
        boolean fused = conv.opType().equals(FusedConv.OP_TYPE) && conv.domain().equals(Node.KILN_DOMAIN)
                && Activation.read(conv) == null && conv.input(3) == null;
        if (!(plain || fused) || !m.usedOnlyOnce(conv.output())) {
            return null;
        }
        Node act = m.readers(conv.output()).get(0);
        if (!Activation.isFusible(act) || act.input(0) != conv.output()) {
            return null;
        }
        Attributes attrs = conv.attributes().copy();
        Activation.of(act).writeTo(attrs);
        List<Value> inputs = new ArrayList<>(conv.inputs().subList(0, Math.min(3, conv.inputCount())));
        Node result = new Node(FusedConv.OP_TYPE, Node.KILN_DOMAIN, conv.name(), 1, attrs, inputs,
                List.of(act.output()));
        return new Rewrite(List.of(conv, act), act, result);
    }
}
