package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClSpelling;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Activation;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.ops.UnaryOp;
import java.util.List;

/** Element-wise ops of one input: math functions and activations, one work item per element. */
public final class UnaryKernel implements ClKernel {
    public static final List<String> OPS = List.of("Sqrt", "Erf", "Relu", "Sigmoid", "Tanh", "HardSigmoid",
            "HardSwish", "LeakyRelu", "Gelu",
            "Abs", "Neg", "Ceil", "Floor", "Round", "Exp", "Log", "Reciprocal", "Not",
            "Elu", "Selu", "Softplus", "Mish", "ThresholdedRelu");

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ClKernelWriter.Operand x = w.in(0);
        ClKernelWriter.Operand y = w.out(0);
        ElementType t = x.elementType();
        w.perElement("i", y.type().size());
        w.code().addStatement("$L v = $L", ClTypes.compute(t), x.load("i"));
        w.code().addStatement("$L", y.store("i", expression(w.node(), t, "v")));
    }

    /**
     * The op applied to variable {@code v} of {@code t}'s compute type. Activations are
     * spelt from their one definition ({@link Activations}), as fused kernels spell them.
     */
    static CodeBlock expression(Node node, ElementType t, String v) {
        if (Activation.isFusible(node)) {
            return Activations.apply(Activation.of(node), CodeBlock.of("$L", v), new ClSpelling(t));
        }
        UnaryOp op = (UnaryOp) OpRegistry.standard().get(node);
        boolean floating = t.isFloat();
        return switch (node.opType()) {
            case "Sqrt" -> CodeBlock.of("sqrt($L)", v);
            case "Erf" -> floating ? CodeBlock.of("erf($L)", v) : CodeBlock.of("rint(erf((float) $L))", v);
            case "Gelu" -> tanhGelu(t, v); // the exact form is an activation, above
            case "Abs" -> t.isUnsigned() ? CodeBlock.of("$L", v)
                    : floating ? CodeBlock.of("fabs($L)", v) : CodeBlock.of("abs($L)", v);
            case "Neg" -> CodeBlock.of("-$L", v);
            case "Ceil" -> CodeBlock.of("ceil($L)", v);
            case "Floor" -> CodeBlock.of("floor($L)", v);
            case "Round" -> CodeBlock.of("rint($L)", v); // halves to even, as ONNX rounds
            case "Exp" -> CodeBlock.of("exp($L)", v);
            case "Log" -> CodeBlock.of("log($L)", v);
            case "Reciprocal" -> CodeBlock.of("$L / $L", ClTypes.literal(t, 1), v);
            case "Not" -> CodeBlock.of("!$L", v);
            case "Elu" -> CodeBlock.of("($L < 0 ? $L * expm1($L) : $L)", v,
                    ClTypes.literal(t, op.attribute(node, "alpha")), v, v);
            case "Selu" -> CodeBlock.of("$L * ($L > 0 ? $L : $L * expm1($L))", ClTypes.literal(t, op.attribute(node, "gamma")),
                    v, v, ClTypes.literal(t, op.attribute(node, "alpha")), v);
            case "Softplus" -> softplus(v);
            case "Mish" -> CodeBlock.of("$L * tanh($L)", v, softplus(v));
            case "ThresholdedRelu" -> CodeBlock.of("($L > $L ? $L : $L)", v, ClTypes.literal(t, op.attribute(node, "alpha")),
                    v, ClTypes.literal(t, 0));
            default -> throw new CompileException(node.describe() + ": no OpenCL expression for " + node.opType());
        };
    }

    /** log(1 + e^x), in a form that neither overflows for large x nor loses small results. */
    private static CodeBlock softplus(String v) {
        return CodeBlock.of("($L > 0 ? $L + log1p(exp(-$L)) : log1p(exp($L)))", v, v, v, v);
    }

    /** Gelu with {@code approximate="tanh"}. */
    private static CodeBlock tanhGelu(ElementType t, String v) {
        return CodeBlock.of("$L * $L * ($L + tanh($L * ($L + $L * $L * $L * $L)))", ClTypes.literal(t, 0.5), v,
                ClTypes.literal(t, 1), ClTypes.literal(t, 0.7978845608028654), v, ClTypes.literal(t, 0.044715), v, v, v);
    }
}
