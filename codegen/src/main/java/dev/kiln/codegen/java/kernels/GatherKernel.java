package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ops.Gather;

/**
 * Gather: for each index (negative ones count from the end) copies the selected
 * slice of data. An index out of range is an IllegalArgumentException naming the node.
 */
public final class GatherKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"data", "indices"};
    }

    @Override
    public void emit(KernelWriter w) {
        int axis = Gather.axis(w.node());
        long[] data = w.in(0).type().dims();
        long extent = data[axis];
        long inner = 1;
        for (int d = axis + 1; d < data.length; d++) {
            inner *= data[d];
        }
        long outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= data[d];
        }
        long count = w.in(1).type().size();
        if (w.out(0).type().size() == 0) {
            return; // with no rows before the axis, the one work item must not read an index
        }
        w.work((int) Math.max(1, outer));
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int o = lo; o < hi; o++)");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", count);
        k.addStatement("long index = indices[indiceso + j]");
        k.beginControlFlow("if (index < $L || index >= $L)", -extent, extent);
        k.addStatement("throw new IllegalArgumentException($S + index + $S)",
                w.node().describe() + ": index ", " is out of range [" + -extent + ", " + extent + ")");
        k.endControlFlow();
        k.addStatement("int src = (int) (index < 0 ? index + $L : index)", extent);
        if (inner == 1) {
            k.addStatement("y[yo + o * $L + j] = data[datao + o * $L + src]", count, extent);
        } else {
            k.addStatement("System.arraycopy(data, datao + (o * $L + src) * $L, y, yo + (o * $L + j) * $L, $L)", extent,
                    inner, count, inner, inner);
        }
        k.endControlFlow();
        k.endControlFlow();
    }
}
