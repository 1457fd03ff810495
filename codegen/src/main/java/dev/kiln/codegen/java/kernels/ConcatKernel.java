package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ops.Concat;

/** Concat: for each index before the axis, copies each input's block in turn. */
public final class ConcatKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        String[] names = new String[64];
        for (int i = 0; i < names.length; i++) {
            names[i] = "x" + i;
        }
        return names;
    }

    @Override
    public void emit(KernelWriter w) {
        int axis = Concat.axis(w.node());
        long[] out = w.out(0).type().dims();
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= out[d];
        }
        long outRow = outer == 0 ? 0 : w.out(0).type().size() / outer;
        w.work((int) Math.max(1, outer));
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int o = lo; o < hi; o++)");
        long offset = 0;
        for (KernelWriter.Operand in : w.inputs()) {
            long row = outer == 0 ? 0 : in.type().size() / outer;
            if (row > 0) {
                k.addStatement("System.arraycopy($L, $L + o * $L, y, yo + o * $L + $L, $L)", in.array(), in.offset(), row,
                        outRow, offset, row);
            }
            offset += row;
        }
        k.endControlFlow();
    }
}
