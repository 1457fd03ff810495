package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Mod;
import java.util.List;

/**
 * Broadcasting element-wise ops of two inputs: {@code y = a OP b}, arithmetic in the
 * compute type of the inputs; comparisons and logic write bool. An integer division or
 * remainder by zero gives 0 rather than a trap (ONNX leaves it undefined).
 */
public final class BinaryKernel implements ClKernel {
    public static final List<String> OPS = List.of("Add", "Sub", "Mul", "Div", "Pow",
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Mod");

    @Override
    public void emit(ClKernelWriter w) {
        ClKernelWriter.Operand a = w.in(0);
        ClKernelWriter.Operand b = w.in(1);
        ClKernelWriter.Operand y = w.out(0);
        ElementType t = a.elementType();
        String c = ClTypes.compute(t);
        Elementwise.each(w, Elementwise.broadcast(y.type().dims(), List.of(a, b)), o -> CodeBlock.builder()
                .addStatement("$L av = $L", c, a.load(o[1]))
                .addStatement("$L bv = $L", c, b.load(o[2]))
                .addStatement("$L", y.store(o[0], expression(w, t)))
                .build());
    }

    /** {@code av OP bv} in the compute type of {@code t}. */
    private static CodeBlock expression(ClKernelWriter w, ElementType t) {
        String op = w.node().opType();
        boolean integer = !t.isFloat();
        return switch (op) {
            case "Add" -> CodeBlock.of("av + bv");
            case "Sub" -> CodeBlock.of("av - bv");
            case "Mul" -> CodeBlock.of("av * bv");
            case "Div" -> integer ? CodeBlock.of("(bv == 0 ? 0 : av / bv)") : CodeBlock.of("av / bv");
            case "Pow" -> pow(t);
            case "Equal" -> CodeBlock.of("av == bv");
            case "Less" -> CodeBlock.of("av < bv");
            case "Greater" -> CodeBlock.of("av > bv");
            case "LessOrEqual" -> CodeBlock.of("av <= bv");
            case "GreaterOrEqual" -> CodeBlock.of("av >= bv");
            case "And" -> CodeBlock.of("av & bv");
            case "Or" -> CodeBlock.of("av | bv");
            case "Xor" -> CodeBlock.of("av ^ bv");
            case "Mod" -> mod(t, Mod.fmod(w.node()));
            default -> throw new CompileException(w.node().describe() + ": no OpenCL expression for " + op);
        };
    }

    /** Pow of floats; integer powers through float (double for the 64-bit types), truncated as C casts do. */
    private static CodeBlock pow(ElementType t) {
        String c = ClTypes.compute(t);
        if (t.isFloat()) {
            return CodeBlock.of("pow(av, ($L) bv)", c);
        }
        return CodeBlock.of("($L) pow((float) av, (float) bv)", c);
    }

    /**
     * {@code a mod b}: fmod (the sign of the dividend) for floats and with {@code fmod=1};
     * otherwise the sign of the divisor, as Python's {@code %}.
     */
    private static CodeBlock mod(ElementType t, boolean fmod) {
        if (t.isFloat()) {
            return CodeBlock.of("fmod(av, bv)");
        }
        if (fmod || t.isUnsigned()) {
            return CodeBlock.of("(bv == 0 ? 0 : av % bv)");
        }
        return CodeBlock.of("(bv == 0 ? 0 : (av % bv != 0 && (av % bv < 0) != (bv < 0)) ? av % bv + bv : av % bv)");
    }
}
