package dev.kiln.codegen.java.vector;

import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.target.TargetProfile;

/**
 * The vector kernels of channels-last FusedConv whose weights pack-weights put in panels
 * of two vectors: a matrix product for one group ({@link VectorConvKernel}), channel
 * vectors for depthwise ({@link VectorDepthwiseKernel}). Other convolutions run the
 * scalar kernel.
 */
public final class VectorFusedConvKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "w", "b", "r"};
    }

    @Override
    public String vectorScope(String op) {
        return "float, 2-D channels-last, one group or depthwise";
    }

    @Override
    public boolean handles(Node node) {
        FusedConv.Layout layout = FusedConv.layout(node);
        if (!layout.channelsLast() || node.input(0).type().elementType() != ElementType.FLOAT
                || node.input(0).type().rank() != 4) {
            return false;
        }
        // The vector back end's pack-weights makes panels of two of its vectors.
        Conv.Params p = FusedConv.params(node);
        return layout.packed() && (p.group() == 1 || VectorDepthwiseKernel.handles(p));
    }

    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        return FusedConv.params(node).group() == 1 ? VectorConvKernel.scratchFloats(node, profile) : 0;
    }

    @Override
    public void emit(KernelWriter w) {
        if (FusedConv.params(w.node()).group() == 1) {
            VectorConvKernel.emit(w);
        } else {
            VectorDepthwiseKernel.emit(w);
        }
    }
}
