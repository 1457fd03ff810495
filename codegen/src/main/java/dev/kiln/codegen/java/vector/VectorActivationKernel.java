package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Activations;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaSpelling;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.java.VectorSpelling;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.Activation;
import java.util.List;

/**
 * Activation nodes (Relu, HardSwish, Gelu, Sigmoid, ...) on float tensors, a vector
 * at a time, from the same definition the scalar and fused kernels use.
 */
public final class VectorActivationKernel implements JavaKernel {
    /** The unary ops it runs: those {@link Activation} fuses into a convolution too. */
    public static final List<String> OPS = List.of("Relu", "Sigmoid", "Tanh", "HardSigmoid", "HardSwish", "LeakyRelu",
            "Gelu");

    @Override
    public String vectorScope(String op) {
        return (op.equals("Gelu") ? "float, exact form" : "float") + ", " + ElementwiseLoop.MIN_ELEMENTS
                + " elements or more";
    }

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public boolean handles(Node node) {
        return Activation.isFusible(node) && node.input(0).type().elementType() == ElementType.FLOAT
                && node.output().type().size() >= ElementwiseLoop.MIN_ELEMENTS;
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand x = w.in(0);
        KernelWriter.Operand y = w.out(0);
        Activation act = Activation.of(w.node());
        CodeBlock v = CodeBlock.of("v");
        VectorSpelling vs = w.vectorSpelling();
        CodeBlock value = Activations.apply(act, v, vs);
        CodeBlock vector = CodeBlock.builder()
                .addStatement("$T v = $T.fromArray(S, x, xo + i)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR)
                .add(vs.takeStatements())
                .addStatement("$L.intoArray(y, yo + i)", value)
                .build();
        CodeBlock scalar = CodeBlock.builder()
                .addStatement("float v = $L", x.at("i"))
                .addStatement("$L = $L", y.at("i"), Activations.apply(act, v, new JavaSpelling(ElementType.FLOAT,
                        w.runtime())))
                .build();
        ElementwiseLoop.emit(w, y.type().size(), vector, scalar);
    }
}
