package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.java.Runtime;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Softmax;

/**
 * Softmax and LogSoftmax along one axis, with the maximum subtracted first so exp
 * never overflows. One work item is one block of rows that share the outer index.
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
        Runtime rt = w.runtime();
        CodeBlock xe = JavaTypes.load(t, x.at("base + e * " + inner), rt);
        CodeBlock y = w.out(0).at("base + e * " + inner);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int o = lo; o < hi; o++)");
        k.beginControlFlow("for (int i = 0; i < $L; i++)", inner);
        k.addStatement("int base = o * $L + i", (long) extent * inner);
        k.addStatement("double max = Double.NEGATIVE_INFINITY");
        k.beginControlFlow("for (int e = 0; e < $L; e++)", extent);
        k.addStatement("max = Math.max(max, $L)", xe);
        k.endControlFlow();
        k.addStatement("double sum = 0");
        k.beginControlFlow("for (int e = 0; e < $L; e++)", extent);
        if (w.node().opType().equals("LogSoftmax")) {
            // log(exp(x - max) / sum) = x - max - log(sum): tiny probabilities keep their precision
            k.addStatement("sum += Math.exp($L - max)", xe);
            k.endControlFlow();
            k.addStatement("double shift = max + Math.log(sum)");
            k.beginControlFlow("for (int e = 0; e < $L; e++)", extent);
            k.addStatement("$L = $L", y, JavaTypes.store(t, CodeBlock.of("($L) ($L - shift)", JavaTypes.compute(t), xe), rt));
        } else {
            k.addStatement("double v = Math.exp($L - max)", xe);
            k.addStatement("sum += v");
            k.addStatement("$L = $L", y, JavaTypes.store(t, CodeBlock.of("($L) v", JavaTypes.compute(t)), rt));
            k.endControlFlow();
            k.addStatement("double scale = 1.0 / sum");
            k.beginControlFlow("for (int e = 0; e < $L; e++)", extent);
            k.addStatement("$L = $L", y, JavaTypes.store(t,
                    CodeBlock.of("($L) ($L * scale)", JavaTypes.compute(t), JavaTypes.load(t, y, rt)), rt));
        }
        k.endControlFlow();
        k.endControlFlow();
        k.endControlFlow();
    }
}
