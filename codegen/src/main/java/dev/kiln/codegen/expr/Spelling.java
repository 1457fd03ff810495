package dev.kiln.codegen.expr;

import com.palantir.javapoet.CodeBlock;

/**
 * How a back end spells arithmetic on values of one numeric type: literals,
 * operators and the few functions activations and normalisations need. The
 * definitions of what to compute ({@link Activations}) are written once against
 * this interface; the plain-Java, Vector API and OpenCL back ends each spell them
 * their own way. Index arithmetic ({@link Loops}, {@link IndexMath}) is int
 * arithmetic that Java and OpenCL C write alike, so it needs no spelling.
 *
 * <p>The semantics are Java's: {@code min} and {@code max} return NaN when either
 * operand is NaN, so a NaN input propagates through every activation.
 * Operands are expressions without side effects; an operand used more than once
 * (an activation's input) should be a variable's name, so it is computed once.
 */
public interface Spelling {
    /** The value {@code v} in this spelling's type. */
    CodeBlock literal(double v);

    CodeBlock add(CodeBlock a, CodeBlock b);

    CodeBlock sub(CodeBlock a, CodeBlock b);

    CodeBlock mul(CodeBlock a, CodeBlock b);

    CodeBlock div(CodeBlock a, CodeBlock b);

    CodeBlock neg(CodeBlock a);

    /** The smaller of two values; NaN if either is NaN. */
    CodeBlock min(CodeBlock a, CodeBlock b);

    /** The larger of two values; NaN if either is NaN. */
    CodeBlock max(CodeBlock a, CodeBlock b);

    /** {@code a < b ? ifLess : otherwise}: with a NaN operand the comparison is false. */
    CodeBlock lessThanSelect(CodeBlock a, CodeBlock b, CodeBlock ifLess, CodeBlock otherwise);

    CodeBlock exp(CodeBlock a);

    CodeBlock tanh(CodeBlock a);

    /** The error function. */
    CodeBlock erf(CodeBlock a);

    /** {@code literal(v)} as a block, for building expressions. */
    default CodeBlock of(double v) {
        return literal(v);
    }
}
