package dev.kiln.codegen.opencl.kernels;

import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.compiler.ops.Split;

/**
 * Split: one work item per input element. Each input row (the elements sharing the
 * indices before the axis) is the outputs' rows one after the other; the item finds
 * which output its place in the row falls in.
 */
public final class SplitKernel implements ClKernel {
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
    public void emit(ClKernelWriter w) {
        Split.Params p = Split.params(w.node());
        long[] in = w.in(0).type().dims();
        long size = w.in(0).type().size();
        if (size == 0) {
            return;
        }
        long outer = 1;
        for (int d = 0; d < p.axis(); d++) {
            outer *= in[d];
        }
        long inRow = size / outer;
        long inner = inRow / in[p.axis()];
        w.perElement("i", size);
        var k = w.code();
        k.addStatement("int o = i / $L", inRow);
        k.addStatement("int r = i % $L", inRow);
        long from = 0;
        boolean firstBranch = true;
        for (int i = 0; i < p.sizes().length; i++) {
            long row = p.sizes()[i] * inner;
            if (row > 0) {
                k.add(firstBranch ? "" : "} else ");
                if (from + row < inRow || firstBranch) {
                    k.add("if (r < $L) {\n", from + row);
                } else {
                    k.add("{\n");
                }
                k.indent();
                firstBranch = false;
                if (w.hasOut(i)) {
                    ClKernelWriter.Operand y = w.out(i);
                    k.addStatement("$L = $L", y.raw("o * " + row + (from == 0 ? " + r" : " + r - " + from)), w.in(0).raw("i"));
                }
                k.unindent();
            }
            from += row;
        }
        k.add("}\n");
    }
}
