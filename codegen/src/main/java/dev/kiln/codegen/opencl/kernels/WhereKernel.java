package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import java.util.List;

/** Where: {@code y = cond ? x : z} with the three inputs broadcast; elements are copied as stored. */
public final class WhereKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"cond", "x", "z"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ClKernelWriter.Operand y = w.out(0);
        Elementwise.each(w, Elementwise.broadcast(y.type().dims(), List.of(w.in(0), w.in(1), w.in(2))),
                o -> CodeBlock.builder().addStatement("$L = $L ? $L : $L", y.raw(o[0]), w.in(0).raw(o[1]),
                        w.in(1).raw(o[2]), w.in(2).raw(o[3])).build());
    }
}
