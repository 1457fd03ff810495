package dev.kiln.codegen.expr;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ops.Activation;

/**
 * What each activation computes, written once for every back end and for fused
 * and unfused nodes alike: a FusedConv's epilogue, a standalone Relu node, scalar
 * or vector code. The attribute values (and their defaults) come from
 * {@link Activation}; how the arithmetic is written comes from a {@link Spelling}.
 */
public final class Activations {
    private Activations() {
    }

    /**
     * {@code act(x)}, {@code x} an expression that may be evaluated more than once (a variable name).
     *
     * @throws IllegalArgumentException for an activation Kiln does not know
     */
    public static CodeBlock apply(Activation a, CodeBlock x, Spelling s) {
        return switch (a.opType()) {
            // x < 0 ? 0 : x keeps NaN (the comparison is false), as ONNX and PyTorch define Relu.
            case "Relu" -> s.lessThanSelect(x, s.of(0), s.of(0), x);
            case "HardSigmoid" -> hardSigmoid(x, a.alpha(), a.beta(), s);
            // x * relu6(x + 3) / 6, written as x * HardSigmoid(x; 1/6, 1/2).
            case "HardSwish" -> s.mul(x, hardSigmoid(x, 1.0 / 6, 0.5, s));
            case "LeakyRelu" -> s.lessThanSelect(x, s.of(0), s.mul(s.of(a.alpha()), x), x);
            case "Sigmoid" -> s.div(s.of(1), s.add(s.of(1), s.exp(s.neg(x))));
            case "Tanh" -> s.tanh(x);
            // The exact (erf) form: 0.5 x (1 + erf(x / sqrt 2)).
            case "Gelu" -> s.mul(s.mul(s.of(0.5), x), s.add(s.of(1), s.erf(s.mul(x, s.of(0.7071067811865476)))));
            case "Clip" -> s.min(s.max(x, s.of(a.alpha())), s.of(a.beta()));
            default -> throw new IllegalArgumentException("no definition for activation " + a);
        };
    }

    /** max(0, min(1, alpha x + beta)). */
    private static CodeBlock hardSigmoid(CodeBlock x, double alpha, double beta, Spelling s) {
        return s.max(s.of(0), s.min(s.of(1), s.add(s.mul(s.of(alpha), x), s.of(beta))));
    }
}
