package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ops.Activation;

/** Float expressions for the activations fused ops apply to their results. */
public final class Activations {
    private Activations() {
    }

    /** {@code act(v)} as a float expression, {@code v} a float variable name. */
    public static CodeBlock apply(Activation a, String v, Runtime rt) {
        return switch (a.opType()) {
            case "Relu" -> CodeBlock.of("Math.max($L, 0f)", v);
            case "HardSwish" -> CodeBlock.of("$L * Math.max(0f, Math.min(1f, $L * (1f / 6f) + 0.5f))", v, v);
            case "HardSigmoid" -> CodeBlock.of("Math.max(0f, Math.min(1f, $L * $L + $L))",
                    JavaTypes.floatLiteral(a.alpha()), v, JavaTypes.floatLiteral(a.beta()));
            case "LeakyRelu" -> CodeBlock.of("($L < 0f ? $L * $L : $L)", v, JavaTypes.floatLiteral(a.alpha()), v, v);
            case "Sigmoid" -> CodeBlock.of("(float) (1.0 / (1.0 + Math.exp(-$L)))", v);
            case "Tanh" -> CodeBlock.of("(float) Math.tanh($L)", v);
            case "Gelu" -> CodeBlock.of("0.5f * $L * (1f + $T.erf($L * 0.70710677f))", v, rt.math(), v);
            case "Clip" -> CodeBlock.of("Math.min(Math.max($L, $L), $L)", v, JavaTypes.floatLiteral(a.alpha()),
                    JavaTypes.floatLiteral(a.beta()));
            default -> throw new IllegalArgumentException("no Java code for activation " + a);
        };
    }
}
