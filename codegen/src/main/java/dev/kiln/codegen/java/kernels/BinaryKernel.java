package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Mod;
import java.util.List;

/**
 * Broadcasting element-wise ops of two inputs: {@code y = a OP b}, arithmetic in the
 * compute type of the inputs (Mod by its fmod attribute); comparisons and logic write bool.
 */
public final class BinaryKernel implements JavaKernel {
    public static final List<String> OPS = List.of("Add", "Sub", "Mul", "Div", "Pow",
            "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor", "Mod");

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand a = w.in(0);
        KernelWriter.Operand b = w.in(1);
        KernelWriter.Operand y = w.out(0);
        long[] out = y.type().dims();
        Loops loops = new Loops(out, Loops.contiguous(out), Broadcast.strides(a.type().dims(), out),
                Broadcast.strides(b.type().dims(), out));
        w.work(loops.work());
        String op = w.node().opType();
        loops.emit(w.code(), o -> {
            CodeBlock av = JavaTypes.load(a.elementType(), a.at(o[1]), w.runtime());
            CodeBlock bv = JavaTypes.load(b.elementType(), b.at(o[2]), w.runtime());
            CodeBlock v = JavaTypes.store(y.elementType(), expression(op, a.elementType(), av, bv, w), w.runtime());
            return CodeBlock.builder().addStatement("$L = $L", y.at(o[0]), v).build();
        });
    }

    /** {@code a OP b} in the compute type of {@code t}. */
    static CodeBlock expression(String op, ElementType t, CodeBlock a, CodeBlock b, KernelWriter w) {
        String compute = JavaTypes.compute(t);
        boolean unsigned64 = t == ElementType.UINT64;
        return switch (op) {
            case "Add" -> CodeBlock.of("$L + $L", a, b);
            case "Sub" -> CodeBlock.of("$L - $L", a, b);
            case "Mul" -> CodeBlock.of("$L * $L", a, b);
            case "Div" -> unsigned64 ? CodeBlock.of("Long.divideUnsigned($L, $L)", a, b) : CodeBlock.of("$L / $L", a, b);
            case "Pow" -> CodeBlock.of("($L) Math.pow($L, $L)", compute, a, b);
            case "Equal" -> t == ElementType.STRING ? CodeBlock.of("$L.equals($L)", a, b) : CodeBlock.of("$L == $L", a, b);
            case "Less" -> compare(a, "<", b, unsigned64);
            case "Greater" -> compare(a, ">", b, unsigned64);
            case "LessOrEqual" -> compare(a, "<=", b, unsigned64);
            case "GreaterOrEqual" -> compare(a, ">=", b, unsigned64);
            case "And" -> CodeBlock.of("$L & $L", a, b);
            case "Or" -> CodeBlock.of("$L | $L", a, b);
            case "Xor" -> CodeBlock.of("$L ^ $L", a, b);
            case "Mod" -> mod(t, a, b, Mod.fmod(w.node()));
            default -> throw new CompileException(w.node().describe() + ": no Java expression for " + op);
        };
    }

    /**
     * {@code a mod b}: Java's {@code %} is C's fmod (the sign of the dividend) for floats and
     * integers alike; {@link Math#floorMod} gives the integer Mod's sign of the divisor. Unsigned
     * values below 2^63 load as non-negative, where the two agree; uint64 needs its own remainder.
     */
    private static CodeBlock mod(ElementType t, CodeBlock a, CodeBlock b, boolean fmod) {
        if (t == ElementType.UINT64) {
            return CodeBlock.of("Long.remainderUnsigned($L, $L)", a, b);
        }
        return fmod ? CodeBlock.of("$L % $L", a, b) : CodeBlock.of("Math.floorMod($L, $L)", a, b);
    }

    /** {@code a REL b}; unsigned 64-bit values compare through {@link Long#compareUnsigned}. */
    private static CodeBlock compare(CodeBlock a, String relation, CodeBlock b, boolean unsigned64) {
        return unsigned64 ? CodeBlock.of("Long.compareUnsigned($L, $L) $L 0", a, b, relation)
                : CodeBlock.of("$L $L $L", a, relation, b);
    }
}
