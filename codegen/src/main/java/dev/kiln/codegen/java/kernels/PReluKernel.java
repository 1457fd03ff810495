package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Broadcast;

/** PRelu: {@code y = x < 0 ? slope * x : x}, the slope broadcast to the shape of x. */
public final class PReluKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "slope"};
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand x = w.in(0);
        KernelWriter.Operand slope = w.in(1);
        KernelWriter.Operand y = w.out(0);
        long[] dims = y.type().dims();
        Loops loops = new Loops(dims, Loops.contiguous(dims), Loops.contiguous(dims),
                Broadcast.strides(slope.type().dims(), dims));
        w.work(loops.work());
        ElementType t = x.elementType();
        String c = JavaTypes.compute(t);
        String zero = JavaTypes.literal(t, 0);
        loops.emit(w.code(), o -> {
            // Unsigned values are never negative, so there y = x and the slope goes unread.
            CodeBlock value = t.isUnsigned() ? CodeBlock.of("v")
                    : CodeBlock.of("v < $L ? $L * v : v", zero, JavaTypes.load(t, slope.at(o[2]), w.runtime()));
            return CodeBlock.builder()
                    .addStatement("$L v = $L", c, JavaTypes.load(t, x.at(o[1]), w.runtime()))
                    .addStatement("$L = $L", y.at(o[0]), JavaTypes.store(t, value, w.runtime()))
                    .build();
        });
    }
}
