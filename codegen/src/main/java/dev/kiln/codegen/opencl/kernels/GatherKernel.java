package dev.kiln.codegen.opencl.kernels;

import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.compiler.ops.Gather;

/**
 * Gather: one work item per output element, which reads its index (negative ones
 * count from the end) and copies the selected element. An index out of range writes
 * 0 and sets the error flag, which fails the run with a message naming the node.
 */
public final class GatherKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"data", "indices"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        int axis = Gather.axis(w.node());
        long[] data = w.in(0).type().dims();
        long extent = data[axis];
        long inner = 1;
        for (int d = axis + 1; d < data.length; d++) {
            inner *= data[d];
        }
        long count = w.in(1).type().size();
        long size = w.out(0).type().size();
        if (size == 0) {
            return;
        }
        String flag = w.reportsError(w.node().describe() + ": an index is out of range [" + -extent + ", " + extent + ")");
        w.perElement("i", size);
        var k = w.code();
        k.add("// i = (o * $L + j) * $L + e: row o before the axis, index j, element e after it\n", count, inner);
        k.addStatement("int o = i / $L", count * inner);
        k.addStatement("int j = i / $L % $L", inner, count);
        k.addStatement("long index = $L", w.in(1).load("j"));
        k.beginControlFlow("if (index < $L || index >= $L)", -extent, extent);
        k.addStatement(flag);
        k.addStatement("$L = 0", w.out(0).raw("i"));
        k.addStatement("return");
        k.endControlFlow();
        k.addStatement("int src = (int) (index < 0 ? index + $L : index)", extent);
        k.addStatement("$L = $L", w.out(0).raw("i"),
                w.in(0).raw(inner == 1 ? "o * " + extent + " + src" : "(o * " + extent + " + src) * " + inner + " + i % " + inner));
    }
}
