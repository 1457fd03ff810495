package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;

/** GlobalAveragePool: the mean of each channel plane, summed in double. One work item per (n, c). */
public final class GlobalPoolKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        ElementType t = w.in(0).elementType();
        long[] dims = w.in(0).type().dims();
        long planes = dims[0] * dims[1];
        long plane = w.in(0).type().size() / Math.max(1, planes);
        w.work((int) planes);
        w.cost(planes * plane);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int p = lo; p < hi; p++)");
        k.addStatement("double sum = 0");
        k.addStatement("int xb = p * $L", plane);
        k.beginControlFlow("for (int q = 0; q < $L; q++)", plane);
        k.addStatement("sum += $L", JavaTypes.load(t, w.in(0).at("xb + q"), w.runtime()));
        k.endControlFlow();
        k.addStatement("$L = $L", w.out(0).at("p"),
                JavaTypes.store(t, CodeBlock.of("($L) (sum / $L)", JavaTypes.compute(t), plane), w.runtime()));
        k.endControlFlow();
    }
}
