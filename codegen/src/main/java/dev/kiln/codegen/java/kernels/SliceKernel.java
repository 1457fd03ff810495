package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ops.Slice;

/** Slice: copies the selected elements, reading the input from the first selected one with stepped strides. */
public final class SliceKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        Slice.Params p = Slice.params(w.node());
        long[] out = p.outDims();
        long[] inStrides = Loops.contiguous(w.in(0).type().dims());
        long[] read = new long[out.length];
        long start = 0;
        for (int d = 0; d < out.length; d++) {
            read[d] = inStrides[d] * p.step()[d];
            start += inStrides[d] * p.start()[d];
        }
        Loops loops = new Loops(out, Loops.contiguous(out), read);
        w.work(loops.work());
        long first = start;
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L = $L", w.out(0).at(o[0]), w.in(0).at(first == 0 ? o[1] : first + " + " + o[1]))
                .build());
    }
}
