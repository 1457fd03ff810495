package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import java.util.List;

/** PRelu: {@code y = x < 0 ? slope * x : x}, the slope broadcast to the shape of x. */
public final class PReluKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "slope"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ClKernelWriter.Operand x = w.in(0);
        ClKernelWriter.Operand slope = w.in(1);
        ClKernelWriter.Operand y = w.out(0);
        ElementType t = x.elementType();
        Elementwise.each(w, Elementwise.broadcast(y.type().dims(), List.of(x, slope)), o -> CodeBlock.builder()
                .addStatement("$L v = $L", ClTypes.compute(t), x.load(o[1]))
                // Unsigned values are never negative, so there y = x and the slope goes unread.
                .addStatement("$L", y.store(o[0], t.isUnsigned() ? CodeBlock.of("v")
                        : CodeBlock.of("v < 0 ? $L * v : v", slope.load(o[2]))))
                .build());
    }
}
