package dev.kiln.codegen.opencl;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Spelling;
import dev.kiln.compiler.ir.ElementType;

/**
 * OpenCL C arithmetic on scalars of one compute type ({@code float} for float,
 * float16 and bfloat16; {@code double}; the integer types). OpenCL's {@code fmin}
 * and {@code fmax} return the other operand when one is NaN, so min and max go
 * through the prelude's {@code kiln_min} and {@code kiln_max}, which keep Java's
 * rule: NaN if either operand is NaN. The math functions are the full-precision
 * built-ins, never {@code native_*} or {@code half_*} ones.
 */
public final class ClSpelling implements Spelling {
    private final ElementType type;
    private final String compute;

    public ClSpelling(ElementType type) {
        this.type = type;
        this.compute = ClTypes.compute(type);
    }

    @Override
    public CodeBlock literal(double v) {
        return CodeBlock.of("$L", ClTypes.literal(type, v));
    }

    @Override
    public CodeBlock add(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("($L + $L)", a, b);
    }

    @Override
    public CodeBlock sub(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("($L - $L)", a, b);
    }

    @Override
    public CodeBlock mul(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("($L * $L)", a, b);
    }

    @Override
    public CodeBlock div(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("($L / $L)", a, b);
    }

    @Override
    public CodeBlock neg(CodeBlock a) {
        return CodeBlock.of("-$L", a);
    }

    @Override
    public CodeBlock min(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("$L($L, $L)", minFunction(), a, b);
    }

    @Override
    public CodeBlock max(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("$L($L, $L)", maxFunction(), a, b);
    }

    /** The name of the two-operand min function of this type. */
    public String minFunction() {
        return floating() ? Prelude.min(compute) : "min";
    }

    /** The name of the two-operand max function of this type. */
    public String maxFunction() {
        return floating() ? Prelude.max(compute) : "max";
    }

    @Override
    public CodeBlock lessThanSelect(CodeBlock a, CodeBlock b, CodeBlock ifLess, CodeBlock otherwise) {
        return CodeBlock.of("($L < $L ? $L : $L)", a, b, ifLess, otherwise);
    }

    @Override
    public CodeBlock exp(CodeBlock a) {
        return CodeBlock.of("exp($L)", a);
    }

    @Override
    public CodeBlock tanh(CodeBlock a) {
        return CodeBlock.of("tanh($L)", a);
    }

    @Override
    public CodeBlock erf(CodeBlock a) {
        return CodeBlock.of("erf($L)", a);
    }

    private boolean floating() {
        return compute.equals("float") || compute.equals("double");
    }
}
