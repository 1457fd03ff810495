package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ops.BlockRearrange;

/**
 * DepthToSpace and SpaceToDepth: a transpose of the input's 6-axis view; the output is
 * written in order while the input is read with permuted strides.
 */
public final class BlockRearrangeKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        BlockRearrange.Params p = BlockRearrange.params(w.node());
        long[] inStrides = Loops.contiguous(p.inDims6());
        long[] dims = new long[6];
        long[] read = new long[6];
        for (int i = 0; i < 6; i++) {
            dims[i] = p.inDims6()[p.perm()[i]];
            read[i] = inStrides[p.perm()[i]];
        }
        Loops loops = new Loops(dims, Loops.contiguous(dims), read);
        w.work(loops.work());
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L = $L", w.out(0).at(o[0]), w.in(0).at(o[1])).build());
    }
}
