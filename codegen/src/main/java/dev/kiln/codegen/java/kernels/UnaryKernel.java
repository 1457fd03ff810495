package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.ops.UnaryOp;
import java.util.List;

/** Element-wise ops of one input: math functions and activations. */
public final class UnaryKernel implements JavaKernel {
    public static final List<String> OPS = List.of("Sqrt", "Erf", "Relu", "Sigmoid", "Tanh", "HardSigmoid",
            "HardSwish", "LeakyRelu", "Gelu",
            "Abs", "Neg", "Ceil", "Floor", "Round", "Exp", "Log", "Reciprocal", "Not",
            "Elu", "Selu", "Softplus", "Mish", "ThresholdedRelu");

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand x = w.in(0);
        KernelWriter.Operand y = w.out(0);
        long[] dims = y.type().dims();
        Loops loops = new Loops(dims, Loops.contiguous(dims), Loops.contiguous(dims));
        w.work(loops.work());
        ElementType t = x.elementType();
        String c = JavaTypes.compute(t);
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L v = $L", c, JavaTypes.load(t, x.at(o[1]), w.runtime()))
                .addStatement("$L = $L", y.at(o[0]), JavaTypes.store(t, expression(w, t, "v"), w.runtime()))
                .build());
    }

    /**
     * The op applied to variable {@code v} of {@code t}'s compute type. Activations are
     * spelt from their one definition ({@link Activations}), as fused kernels spell them.
     */
    static CodeBlock expression(KernelWriter w, ElementType t, String v) {
        Node node = w.node();
        if (Activation.isFusible(node)) {
            return Activations.apply(Activation.of(node), CodeBlock.of("$L", v), new JavaSpelling(t, w.runtime()));
        }
        UnaryOp op = (UnaryOp) OpRegistry.standard().get(node);
        String c = JavaTypes.compute(t);
        boolean floating = t.isFloat();
        String zero = floating ? JavaTypes.literal(t, 0) : "0";
        String one = floating ? JavaTypes.literal(t, 1) : "1";
        return switch (node.opType()) {
            case "Sqrt" -> CodeBlock.of("($L) Math.sqrt($L)", c, v);
            case "Erf" -> floating ? CodeBlock.of("($L) $T.erf((double) $L)", c, w.runtime().math(), v)
                    : CodeBlock.of("($L) Math.round($T.erf((double) $L))", c, w.runtime().math(), v);
            case "Gelu" -> tanhGelu(t, v); // the exact form is an activation, above
            case "Abs" -> t.isUnsigned() ? CodeBlock.of("$L", v) : CodeBlock.of("Math.abs($L)", v);
            case "Neg" -> CodeBlock.of("-$L", v);
            case "Ceil" -> CodeBlock.of("($L) Math.ceil($L)", c, v);
            case "Floor" -> CodeBlock.of("($L) Math.floor($L)", c, v);
            case "Round" -> CodeBlock.of("($L) Math.rint($L)", c, v); // rint rounds halves to even, as ONNX does
            case "Exp" -> CodeBlock.of("($L) Math.exp($L)", c, v);
            case "Log" -> CodeBlock.of("($L) Math.log($L)", c, v);
            case "Reciprocal" -> CodeBlock.of("$L / $L", one, v);
            case "Not" -> CodeBlock.of("!$L", v);
            case "Elu" -> CodeBlock.of("($L < $L ? ($L) ($L * (Math.exp($L) - 1.0)) : $L)", v, zero, c,
                    JavaTypes.doubleLiteral(op.attribute(node, "alpha")), v, v);
            case "Selu" -> selu(op, node, c, v);
            case "Softplus" -> CodeBlock.of("($L) $L", c, softplus(v));
            case "Mish" -> CodeBlock.of("($L) ($L * Math.tanh($L))", c, v, softplus(v));
            case "ThresholdedRelu" -> CodeBlock.of("($L > $L ? $L : $L)", v,
                    JavaTypes.literal(t, op.attribute(node, "alpha")), v, zero);
            default -> throw new CompileException(node.describe() + ": no Java expression for " + node.opType());
        };
    }

    /** gamma * (x > 0 ? x : alpha * (e^x - 1)), in double with the float attributes. */
    private static CodeBlock selu(UnaryOp op, Node node, String c, String v) {
        String alpha = JavaTypes.doubleLiteral(op.attribute(node, "alpha"));
        String gamma = JavaTypes.doubleLiteral(op.attribute(node, "gamma"));
        return CodeBlock.of("($L) ($L > 0 ? $L * $L : $L * ($L * Math.exp($L) - $L))", c, v, gamma, v, gamma, alpha, v,
                alpha);
    }

    /** log(1 + e^x) in double, in a form that neither overflows for large x nor loses small results. */
    private static CodeBlock softplus(String v) {
        return CodeBlock.of("($L > 0 ? $L + Math.log1p(Math.exp(-$L)) : Math.log1p(Math.exp($L)))", v, v, v, v);
    }

    /** Gelu with {@code approximate="tanh"}, in double. */
    private static CodeBlock tanhGelu(ElementType t, String v) {
        return CodeBlock.of("($L) (0.5 * $L * (1.0 + Math.tanh(0.7978845608028654 * ($L + 0.044715 * $L * $L * $L))))",
                JavaTypes.compute(t), v, v, v, v, v);
    }
}
