package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Clip;
import dev.kiln.compiler.ops.InferContext;

/**
 * Clip: {@code y = min(max(x, low), high)}. Opset 6-10 bounds are literals; from opset 11
 * each present bound input is a scalar read once per call, an absent one the type's
 * finite limit. A NaN element stays NaN (both comparisons are false).
 */
public final class ClipKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x", "min", "max"};
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand x = w.in(0);
        KernelWriter.Operand y = w.out(0);
        ElementType t = x.elementType();
        String c = JavaTypes.compute(t);
        InferContext ctx = new InferContext(w.node());
        boolean hasLo;
        boolean hasHi;
        if (Clip.boundsAreAttributes(ctx)) {
            hasLo = hasHi = true;
            w.code().addStatement("$L low = $L", c, JavaTypes.literal(t, Clip.attributeBound(ctx, "min")));
            w.code().addStatement("$L high = $L", c, JavaTypes.literal(t, Clip.attributeBound(ctx, "max")));
        } else {
            hasLo = bound(w, 1, "low", -1);
            hasHi = bound(w, 2, "high", 1);
        }
        boolean unsigned64 = t == ElementType.UINT64;
        long[] dims = y.type().dims();
        Loops loops = new Loops(dims, Loops.contiguous(dims), Loops.contiguous(dims));
        w.work(loops.work());
        loops.emit(w.code(), o -> {
            CodeBlock.Builder body = CodeBlock.builder();
            body.addStatement("$L v = $L", c, JavaTypes.load(t, x.at(o[1]), w.runtime()));
            if (hasLo) {
                body.beginControlFlow("if ($L)", unsigned64 ? "Long.compareUnsigned(v, low) < 0" : "v < low")
                        .addStatement("v = low").endControlFlow();
            }
            if (hasHi) {
                body.beginControlFlow("if ($L)", unsigned64 ? "Long.compareUnsigned(v, high) > 0" : "v > high")
                        .addStatement("v = high").endControlFlow();
            }
            body.addStatement("$L = $L", y.at(o[0]), JavaTypes.store(t, CodeBlock.of("v"), w.runtime()));
            return body.build();
        });
    }

    /**
     * Declares local {@code name} from bound input {@code i}, or, when it is absent and
     * the type is a float type, the largest finite value of sign {@code sign}; whether
     * there is a bound (an absent integer bound changes nothing).
     */
    private static boolean bound(KernelWriter w, int i, String name, int sign) {
        ElementType t = w.in(0).elementType();
        if (!w.hasIn(i)) {
            if (!t.isFloat()) {
                return false;
            }
            w.code().addStatement("$L $L = $L", JavaTypes.compute(t), name,
                    JavaTypes.literal(t, sign * Clip.largestFinite(t)));
            return true;
        }
        KernelWriter.Operand b = w.in(i);
        w.code().addStatement("$L $L = $L", JavaTypes.compute(b.elementType()), name,
                JavaTypes.load(b.elementType(), b.at(0), w.runtime()));
        return true;
    }
}
