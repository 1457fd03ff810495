package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ops.Split;

/** Split: for each index before the axis, copies the input row's consecutive blocks to the outputs in turn. */
public final class SplitKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public String[] outputNames() {
        String[] names = new String[64];
        for (int i = 0; i < names.length; i++) {
            names[i] = "y" + i;
        }
        return names;
    }

    @Override
    public void emit(KernelWriter w) {
        Split.Params p = Split.params(w.node());
        long[] in = w.in(0).type().dims();
        long outer = 1;
        for (int d = 0; d < p.axis(); d++) {
            outer *= in[d];
        }
        long inRow = outer == 0 ? 0 : w.in(0).type().size() / outer;
        if (inRow == 0) {
            return; // every output is empty
        }
        long inner = inRow / in[p.axis()];
        w.work((int) outer);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int o = lo; o < hi; o++)");
        long offset = 0;
        for (int i = 0; i < p.sizes().length; i++) {
            long row = p.sizes()[i] * inner;
            if (row > 0 && w.hasOut(i)) {
                KernelWriter.Operand y = w.out(i);
                k.addStatement("System.arraycopy(x, xo + o * $L$L, $L, $L + o * $L, $L)", inRow,
                        offset == 0 ? "" : " + " + offset, y.array(), y.offset(), row, row);
            }
            offset += row;
        }
        k.endControlFlow();
    }
}
