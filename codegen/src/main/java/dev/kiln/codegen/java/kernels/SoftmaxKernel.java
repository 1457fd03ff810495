package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Softmax;

/**
 * Softmax along one axis, with the maximum subtracted first so exp never
 * overflows. One work item is one block of rows that share the outer index.
 */
public final class SoftmaxKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand x = w.in(0);
        ElementType t = x.elementType();
        Softmax.Params p = Softmax.params(w.node());
        int inner = p.inner();
        int extent = p.extent();
        w.work(p.outer());
        w.cost((long) p.outer() * extent * inner * 8);
        var rt = w.runtime();
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int o = lo; o < hi; o++)");
        k.beginControlFlow("for (int i = 0; i < $L; i++)", inner);
        k.addStatement("int base = o * $L + i", (long) extent * inner);
        k.addStatement("double max = Double.NEGATIVE_INFINITY");
        k.beginControlFlow("for (int e = 0; e < $L; e++)", extent);
        k.addStatement("max = Math.max(max, $L)", JavaTypes.load(t, x.at("base + e * " + inner), rt));
        k.endControlFlow();
        k.addStatement("double sum = 0");
        k.beginControlFlow("for (int e = 0; e < $L; e++)", extent);
        k.addStatement("double v = Math.exp($L - max)", JavaTypes.load(t, x.at("base + e * " + inner), rt));
        k.addStatement("sum += v");
        k.addStatement("$L = $L", w.out(0).at("base + e * " + inner),
                JavaTypes.store(t, CodeBlock.of("($L) v", JavaTypes.compute(t)), rt));
        k.endControlFlow();
        k.addStatement("double scale = 1.0 / sum");
        k.beginControlFlow("for (int e = 0; e < $L; e++)", extent);
        CodeBlock y = w.out(0).at("base + e * " + inner);
        k.addStatement("$L = $L", y, JavaTypes.store(t,
                CodeBlock.of("($L) ($L * scale)", JavaTypes.compute(t), JavaTypes.load(t, y, rt)), rt));
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
    }
}
