package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClSpelling;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Softmax;

/**
 * Softmax and LogSoftmax along one axis, one work-group per row (the elements that
 * share the indices before and after the axis), with the row's maximum ({@code top}) subtracted
 * first so exp never overflows. A NaN in the row makes the row NaN, as in Java.
 */
public final class SoftmaxKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ElementType t = w.in(0).elementType();
        String c = ClTypes.compute(t);
        Softmax.Params p = Softmax.params(w.node());
        int inner = p.inner();
        int extent = p.extent();
        RowReduction r = RowReduction.begin(w, (long) p.outer() * inner, extent, c);
        CodeBlock.Builder k = w.code();
        k.add("// row = o * $L + i: element e of the row is at (o * $L + e) * $L + i\n", inner, extent, inner);
        k.addStatement("int base = $L", inner == 1 ? "row * " + extent : "row / " + inner + " * " + (long) extent * inner
                + " + row % " + inner);
        String at = inner == 1 ? "base + e" : "base + e * " + inner;
        CodeBlock xe = w.in(0).load(at);
        k.addStatement("$L top = $L", c, ClTypes.lowest(t));
        r.share(k, "e", extent);
        k.addStatement("top = $L", new ClSpelling(t).max(CodeBlock.of("top"), xe));
        k.endControlFlow();
        r.combine(k, "top", new ClSpelling(t).maxFunction());
        k.addStatement("$L sum = 0", c);
        r.share(k, "e", extent);
        k.addStatement("sum += exp($L - top)", xe);
        k.endControlFlow();
        r.combine(k, "sum", null);
        if (w.node().opType().equals("LogSoftmax")) {
            // log(exp(x - max) / sum) = x - max - log(sum): tiny probabilities keep their precision
            k.addStatement("$L shift = top + log(sum)", c);
            r.share(k, "e", extent);
            k.addStatement("$L", w.out(0).store(at, CodeBlock.of("$L - shift", xe)));
        } else {
            k.addStatement("$L scale = $L / sum", c, ClTypes.literal(t, 1));
            r.share(k, "e", extent);
            k.addStatement("$L", w.out(0).store(at, CodeBlock.of("exp($L - top) * scale", xe)));
        }
        k.endControlFlow();
    }
}
