package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ops.Broadcast;

/** Expand: the output is written in order while the input is read with stride 0 along broadcast axes. */
public final class ExpandKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        long[] out = w.out(0).type().dims();
        Loops loops = new Loops(out, Loops.contiguous(out), Broadcast.strides(w.in(0).type().dims(), out));
        w.work(loops.work());
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L = $L", w.out(0).at(o[0]), w.in(0).at(o[1])).build());
    }
}
