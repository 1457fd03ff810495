package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Clip;
import dev.kiln.compiler.ops.InferContext;

/**
 * Clip: {@code y = min(max(x, low), high)}. Opset 6-10 bounds are literals; from opset 11
 * each present bound input is a scalar read by every work item, an absent one the type's
 * finite limit. A NaN element stays NaN (both comparisons are false).
 */
public final class ClipKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "min", "max"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ClKernelWriter.Operand x = w.in(0);
        ClKernelWriter.Operand y = w.out(0);
        ElementType t = x.elementType();
        String c = ClTypes.compute(t);
        w.perElement("i", y.type().size());
        CodeBlock.Builder k = w.code();
        InferContext ctx = new InferContext(w.node());
        CodeBlock low;
        CodeBlock high;
        if (Clip.boundsAreAttributes(ctx)) {
            low = CodeBlock.of("$L", ClTypes.literal(t, Clip.attributeBound(ctx, "min")));
            high = CodeBlock.of("$L", ClTypes.literal(t, Clip.attributeBound(ctx, "max")));
        } else {
            low = bound(w, 1, -1);
            high = bound(w, 2, 1);
        }
        k.addStatement("$L v = $L", c, x.load("i"));
        if (low != null) {
            k.addStatement("$L low = $L", c, low);
            k.beginControlFlow("if (v < low)").addStatement("v = low").endControlFlow();
        }
        if (high != null) {
            k.addStatement("$L high = $L", c, high);
            k.beginControlFlow("if (v > high)").addStatement("v = high").endControlFlow();
        }
        k.addStatement("$L", y.store("i", CodeBlock.of("v")));
    }

    /**
     * Bound input {@code i}, or, when it is absent and the type is a float type, the largest
     * finite value of sign {@code sign}; null when there is no bound (an absent integer bound
     * changes nothing).
     */
    private static CodeBlock bound(ClKernelWriter w, int i, int sign) {
        ElementType t = w.in(0).elementType();
        if (w.hasIn(i)) {
            return w.in(i).load(0);
        }
        return t.isFloat() ? CodeBlock.of("$L", ClTypes.literal(t, sign * Clip.largestFinite(t))) : null;
    }
}
