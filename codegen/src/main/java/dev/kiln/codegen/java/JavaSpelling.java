package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Spelling;
import dev.kiln.compiler.ir.ElementType;

/**
 * Plain Java arithmetic on scalars of one compute type ({@code float} for float,
 * float16 and bfloat16; {@code double}; the integer types): operators, {@code Math}
 * functions, and Kiln's erf. Float functions that Java offers only in double
 * ({@code exp}, {@code tanh}) are computed in double and rounded once.
 */
public final class JavaSpelling implements Spelling {
    private final ElementType type;
    private final String compute;
    private final Runtime runtime;

    /** @param type the element type whose compute type ({@link JavaTypes#compute}) the expressions have */
    public JavaSpelling(ElementType type, Runtime runtime) {
        this.type = type;
        this.compute = JavaTypes.compute(type);
        this.runtime = runtime;
    }

    @Override
    public CodeBlock literal(double v) {
        return CodeBlock.of("$L", JavaTypes.literal(type, v));
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
        return CodeBlock.of("Math.min($L, $L)", a, b);
    }

    @Override
    public CodeBlock max(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("Math.max($L, $L)", a, b);
    }

    @Override
    public CodeBlock lessThanSelect(CodeBlock a, CodeBlock b, CodeBlock ifLess, CodeBlock otherwise) {
        return CodeBlock.of("($L < $L ? $L : $L)", a, b, ifLess, otherwise);
    }

    @Override
    public CodeBlock exp(CodeBlock a) {
        return rounded(CodeBlock.of("Math.exp($L)", a));
    }

    @Override
    public CodeBlock tanh(CodeBlock a) {
        return rounded(CodeBlock.of("Math.tanh($L)", a));
    }

    @Override
    public CodeBlock erf(CodeBlock a) {
        return CodeBlock.of("$T.erf($L)", runtime.math(), a);
    }

    /** A double-valued call in the compute type. */
    private CodeBlock rounded(CodeBlock call) {
        return compute.equals("double") ? call : CodeBlock.of("(($L) $L)", compute, call);
    }
}
