package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ops.Transpose;

/** Transpose: the output is written in order while the input is read with permuted strides. */
public final class TransposeKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        int[] perm = Transpose.perm(w.node());
        long[] out = w.out(0).type().dims();
        long[] inStrides = Loops.contiguous(w.in(0).type().dims());
        long[] read = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            read[i] = inStrides[perm[i]];
        }
        Loops loops = new Loops(out, Loops.contiguous(out), read);
        w.work(loops.work());
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L = $L", w.out(0).at(o[0]), w.in(0).at(o[1])).build());
    }
}
