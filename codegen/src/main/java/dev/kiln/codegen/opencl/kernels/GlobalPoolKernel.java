package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;

/** GlobalAveragePool: the mean of each channel plane, one work-group per plane. */
public final class GlobalPoolKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ElementType t = w.in(0).elementType();
        String c = ClTypes.compute(t);
        long[] dims = w.in(0).type().dims();
        long planes = dims[0] * dims[1];
        long plane = w.in(0).type().size() / Math.max(1, planes);
        RowReduction r = RowReduction.begin(w, planes, plane, c);
        CodeBlock.Builder k = w.code();
        k.addStatement("$L sum = 0", c);
        r.share(k, "e", plane);
        k.addStatement("sum += $L", w.in(0).load("row * " + plane + " + e"));
        k.endControlFlow();
        r.combine(k, "sum", null);
        k.beginControlFlow("if (lid == 0)");
        k.addStatement("$L", w.out(0).store("row", CodeBlock.of("sum / $L", plane)));
        k.endControlFlow();
    }
}
