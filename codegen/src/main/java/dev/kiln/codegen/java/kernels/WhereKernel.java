package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ops.Broadcast;

/** Where: {@code y = cond ? x : z} with the three inputs broadcast; elements are copied as stored. */
public final class WhereKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"cond", "x", "z"};
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand cond = w.in(0);
        KernelWriter.Operand x = w.in(1);
        KernelWriter.Operand z = w.in(2);
        KernelWriter.Operand y = w.out(0);
        long[] out = y.type().dims();
        Loops loops = new Loops(out, Loops.contiguous(out), Broadcast.strides(cond.type().dims(), out),
                Broadcast.strides(x.type().dims(), out), Broadcast.strides(z.type().dims(), out));
        w.work(loops.work());
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L = $L ? $L : $L", y.at(o[0]), cond.at(o[1]), x.at(o[2]), z.at(o[3]))
                .build());
    }
}
