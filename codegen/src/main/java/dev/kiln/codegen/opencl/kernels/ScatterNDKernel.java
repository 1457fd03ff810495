package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClSpelling;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.ScatterND;

/**
 * ScatterND: one work item per output element starts from data and walks the index
 * rows in order, writing (or combining) the update of every row that addresses its
 * slice, so a repeated index leaves the last row's value, as in sequential order. An
 * index out of range sets the error flag, which fails the run naming the node.
 */
public final class ScatterNDKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"data", "indices", "updates"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ClKernelWriter.Operand y = w.out(0);
        ElementType t = y.elementType();
        String c = ClTypes.compute(t);
        long[] dims = y.type().dims();
        int depth = ScatterND.indexDepth(w.node());
        long slice = 1;
        for (int d = depth; d < dims.length; d++) {
            slice *= dims[d];
        }
        long rows = w.in(1).type().size() / depth;
        ScatterND.Reduction reduction = ScatterND.reduction(w.node());
        w.perElement("i", y.type().size());
        CodeBlock.Builder k = w.code();
        k.addStatement("$L v = $L", c, w.in(0).load("i"));
        if (rows > 0 && slice > 0) {
            String flag = w.reportsError(w.node().describe() + ": an index is out of range for the data's shape");
            k.addStatement("int target = i / $L", slice);
            k.addStatement("int e = i % $L", slice);
            k.beginControlFlow("for (int r = 0; r < $L; r++)", rows);
            k.addStatement("long offset = 0");
            for (int d = 0; d < depth; d++) {
                k.addStatement("long i$L = $L", d, w.in(1).load(depth == 1 ? "r" : "r * " + depth + " + " + d));
                k.beginControlFlow("if (i$L < $L || i$L >= $L)", d, -dims[d], d, dims[d]);
                k.addStatement(flag);
                k.addStatement("return");
                k.endControlFlow();
                k.addStatement("offset = offset * $L + (i$L < 0 ? i$L + $L : i$L)", dims[d], d, d, dims[d], d);
            }
            k.beginControlFlow("if (offset == target)");
            CodeBlock update = w.in(2).load("r * " + slice + " + e");
            ClSpelling s = new ClSpelling(t);
            k.addStatement("v = $L", switch (reduction) {
                case NONE -> update;
                case ADD -> CodeBlock.of("v + $L", update);
                case MUL -> CodeBlock.of("v * $L", update);
                case MAX -> s.max(CodeBlock.of("v"), update);
                case MIN -> s.min(CodeBlock.of("v"), update);
            });
            k.endControlFlow();
            k.endControlFlow();
        }
        k.addStatement("$L", y.store("i", CodeBlock.of("v")));
    }
}
