package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Spelling;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Arithmetic on {@code FloatVector}s of the vector kernel class's species {@code S}.
 * A literal operand uses the Vector API's scalar forms ({@code x.mul(0.5f)}), so
 * the code says what it computes without broadcasts. exp and tanh are the Vector API's
 * lane operations, which the JDK compiles to its vector math library; erf is a
 * polynomial ({@link VectorMath}) written as statements: the spelt expression names its
 * result, and the caller adds {@link #takeStatements} before the statement that uses it.
 * Never {@code Math} per lane. min and max are the Vector API's, which keep Java's NaN rule.
 *
 * <p>One spelling serves one method: the statements' locals are numbered within it.
 */
public final class VectorSpelling implements Spelling {
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");

    /** The blocks {@link #literal} returned, which the operators recognise as scalars. */
    private final Set<CodeBlock> literals = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Statements of exp, tanh and erf spelt since the last {@link #takeStatements}. */
    private CodeBlock.Builder statements = CodeBlock.builder();
    private int functions;

    /**
     * The statements that the expressions spelt since the last call need, to be added before
     * the statement that uses them; empty when they called no function.
     */
    public CodeBlock takeStatements() {
        CodeBlock taken = statements.build();
        statements = CodeBlock.builder();
        return taken;
    }

    @Override
    public CodeBlock literal(double v) {
        CodeBlock b = CodeBlock.of("$L", JavaTypes.floatLiteral((float) v));
        literals.add(b);
        return b;
    }

    private boolean isLiteral(CodeBlock b) {
        return literals.contains(b);
    }

    /** A vector operand: a literal broadcast to every lane, anything else as it is. */
    private CodeBlock vector(CodeBlock b) {
        return isLiteral(b) ? CodeBlock.of("$T.broadcast(S, $L)", FLOAT_VECTOR, b) : b;
    }

    /** {@code a.op(b)}, written {@code b.op(a)} when only {@code a} is a literal and op commutes. */
    private CodeBlock commutative(String op, CodeBlock a, CodeBlock b) {
        return isLiteral(a) && !isLiteral(b) ? CodeBlock.of("$L.$L($L)", b, op, a) : CodeBlock.of("$L.$L($L)", vector(a), op, b);
    }

    @Override
    public CodeBlock add(CodeBlock a, CodeBlock b) {
        return commutative("add", a, b);
    }

    @Override
    public CodeBlock sub(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("$L.sub($L)", vector(a), b);
    }

    @Override
    public CodeBlock mul(CodeBlock a, CodeBlock b) {
        return commutative("mul", a, b);
    }

    @Override
    public CodeBlock div(CodeBlock a, CodeBlock b) {
        return CodeBlock.of("$L.div($L)", vector(a), b);
    }

    @Override
    public CodeBlock neg(CodeBlock a) {
        return CodeBlock.of("$L.mul(-1f)", vector(a)); // not neg(): see VectorMath
    }

    @Override
    public CodeBlock min(CodeBlock a, CodeBlock b) {
        return commutative("min", a, b);
    }

    @Override
    public CodeBlock max(CodeBlock a, CodeBlock b) {
        return commutative("max", a, b);
    }

    @Override
    public CodeBlock lessThanSelect(CodeBlock a, CodeBlock b, CodeBlock ifLess, CodeBlock otherwise) {
        return CodeBlock.of("$L.blend($L, $L.lt($L))", vector(otherwise), ifLess, vector(a), b);
    }

    @Override
    public CodeBlock exp(CodeBlock a) {
        return CodeBlock.of("$L.lanewise($T.EXP)", vector(a), OPERATORS);
    }

    @Override
    public CodeBlock tanh(CodeBlock a) {
        return CodeBlock.of("$L.lanewise($T.TANH)", vector(a), OPERATORS);
    }

    @Override
    public CodeBlock erf(CodeBlock a) {
        return CodeBlock.of("$L", VectorMath.erf(statements, vector(a), prefix("erf")));
    }

    private String prefix(String function) {
        return function + ++functions + "_";
    }
}
