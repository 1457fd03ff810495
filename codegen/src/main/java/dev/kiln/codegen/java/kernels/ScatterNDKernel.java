package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.ScatterND;

/**
 * ScatterND: copies data to the output, then for each index row in order finds the
 * addressed slice and writes (or combines) the matching slice of updates into it. One work
 * item, since rows may repeat an index and the last one must win. An index out of range is
 * an IllegalArgumentException naming the node.
 */
public final class ScatterNDKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"data", "indices", "updates"};
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand y = w.out(0);
        long[] dims = y.type().dims();
        int k = ScatterND.indexDepth(w.node());
        long slice = 1;
        for (int d = k; d < dims.length; d++) {
            slice *= dims[d];
        }
        long rows = w.in(1).type().size() / k;
        CodeBlock.Builder c = w.code();
        if (y.type().size() > 0) {
            c.addStatement("System.arraycopy(data, datao, y, yo, $L)", y.type().size());
        }
        if (rows == 0 || slice == 0) {
            return;
        }
        w.cost(y.type().size() + rows * slice);
        c.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
        c.addStatement("long offset = 0");
        for (int d = 0; d < k; d++) {
            c.addStatement("long i$L = indices[indiceso + $L]", d, k == 1 ? "r" : "r * " + k + " + " + d);
            c.beginControlFlow("if (i$L < $L || i$L >= $L)", d, -dims[d], d, dims[d]);
            c.addStatement("throw new IllegalArgumentException($S + i$L + $S)", w.node().describe() + ": index ", d,
                    " is out of range for axis " + d + " of size " + dims[d]);
            c.endControlFlow();
            c.addStatement("offset = offset * $L + (i$L < 0 ? i$L + $L : i$L)", dims[d], d, d, dims[d], d);
        }
        c.addStatement("int at = yo + (int) offset * $L", slice);
        c.addStatement("int from = updateso + r * $L", slice);
        ScatterND.Reduction reduction = ScatterND.reduction(w.node());
        if (reduction == ScatterND.Reduction.NONE) {
            if (slice == 1) {
                c.addStatement("y[at] = updates[from]");
            } else {
                c.addStatement("System.arraycopy(updates, from, y, at, $L)", slice);
            }
        } else {
            ElementType t = y.elementType();
            CodeBlock current = JavaTypes.load(t, CodeBlock.of("y[at + e]"), w.runtime());
            CodeBlock update = JavaTypes.load(t, CodeBlock.of("updates[from + e]"), w.runtime());
            CodeBlock combined = combine(reduction, t, current, update);
            c.beginControlFlow("for (int e = 0; e < $L; e++)", slice);
            c.addStatement("y[at + e] = $L", JavaTypes.store(t, combined, w.runtime()));
            c.endControlFlow();
        }
        c.endControlFlow();
    }

    /** {@code current REDUCE update} in the compute type of {@code t}. */
    private static CodeBlock combine(ScatterND.Reduction reduction, ElementType t, CodeBlock current, CodeBlock update) {
        boolean unsigned64 = t == ElementType.UINT64;
        return switch (reduction) {
            case ADD -> CodeBlock.of("$L + $L", current, update);
            case MUL -> CodeBlock.of("$L * $L", current, update);
            case MAX -> unsigned64 ? CodeBlock.of("Long.compareUnsigned($L, $L) >= 0 ? $L : $L", current, update,
                    current, update) : CodeBlock.of("Math.max($L, $L)", current, update);
            case MIN -> unsigned64 ? CodeBlock.of("Long.compareUnsigned($L, $L) <= 0 ? $L : $L", current, update,
                    current, update) : CodeBlock.of("Math.min($L, $L)", current, update);
            case NONE -> update;
        };
    }
}
