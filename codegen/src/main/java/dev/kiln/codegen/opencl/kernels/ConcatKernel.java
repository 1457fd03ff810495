package dev.kiln.codegen.opencl.kernels;

import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.compiler.ops.Concat;

/**
 * Concat: one work item per output element. Each output row (the elements sharing
 * the indices before the axis) is the inputs' rows one after the other; the item
 * finds which input its place in the row falls in.
 */
public final class ConcatKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        String[] names = new String[64];
        for (int i = 0; i < names.length; i++) {
            names[i] = "x" + i;
        }
        return names;
    }

    @Override
    public void emit(ClKernelWriter w) {
        int axis = Concat.axis(w.node());
        long[] out = w.out(0).type().dims();
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= out[d];
        }
        long size = w.out(0).type().size();
        if (size == 0) {
            return;
        }
        long outRow = size / outer;
        w.perElement("i", size);
        var k = w.code();
        k.addStatement("int o = i / $L", outRow);
        k.addStatement("int r = i % $L", outRow);
        long from = 0;
        boolean firstBranch = true;
        for (ClKernelWriter.Operand in : w.inputs()) {
            long row = in.type().size() / outer;
            if (row == 0) {
                continue;
            }
            String copy = w.out(0).raw("i") + " = " + in.raw("o * " + row + (from == 0 ? " + r" : " + r - " + from));
            if (firstBranch) {
                k.beginControlFlow("if (r < $L)", from + row);
                firstBranch = false;
            } else if (from + row < outRow) {
                k.nextControlFlow("else if (r < $L)", from + row);
            } else {
                k.nextControlFlow("else");
            }
            k.addStatement("$L", copy);
            from += row;
        }
        k.endControlFlow();
    }
}
