package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;

/**
 * Add, Sub, Mul and Div of float tensors a vector at a time, where each operand has
 * the output's shape or is a single value (other broadcasts run the scalar kernel).
 */
public final class VectorBinaryKernel implements JavaKernel {
    public static final List<String> OPS = List.of("Add", "Sub", "Mul", "Div");

    @Override
    public String vectorScope(String op) {
        return "float, " + ElementwiseLoop.MIN_ELEMENTS + " elements or more, operands of the output's shape or "
                + "single values";
    }

    @Override
    public boolean handles(Node node) {
        TensorType out = node.output().type();
        if (out.elementType() != ElementType.FLOAT || out.size() < ElementwiseLoop.MIN_ELEMENTS) {
            return false;
        }
        for (int i = 0; i < 2; i++) {
            TensorType in = node.input(i).type();
            if (!in.sameShape(out) && in.size() != 1) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void emit(KernelWriter w) {
        String op = w.node().opType().toLowerCase(java.util.Locale.ROOT);
        KernelWriter.Operand a = w.in(0);
        KernelWriter.Operand b = w.in(1);
        boolean aOne = a.type().size() == 1 && w.out(0).type().size() != 1;
        boolean bOne = b.type().size() == 1 && w.out(0).type().size() != 1;
        CodeBlock.Builder k = w.code();
        // A single-value operand is read once and used as a scalar operand of each vector operation.
        if (aOne) {
            k.addStatement("float av = $L", a.at(0));
        }
        if (bOne) {
            k.addStatement("float bv = $L", b.at(0));
        }
        CodeBlock va = aOne ? CodeBlock.of("$T.broadcast(S, av)", Vectors.FLOAT_VECTOR)
                : CodeBlock.of("$T.fromArray(S, a, ao + i)", Vectors.FLOAT_VECTOR);
        CodeBlock vb = bOne ? CodeBlock.of("bv") : CodeBlock.of("$T.fromArray(S, b, bo + i)", Vectors.FLOAT_VECTOR);
        CodeBlock vector = CodeBlock.builder().addStatement("$L.$L($L).intoArray(y, yo + i)", va, op, vb).build();
        CodeBlock scalar = CodeBlock.builder().addStatement("$L = $L $L $L", w.out(0).at("i"),
                aOne ? "av" : a.at("i"), symbol(op), bOne ? "bv" : b.at("i")).build();
        ElementwiseLoop.emit(w, w.out(0).type().size(), vector, scalar);
    }

    private static String symbol(String op) {
        return switch (op) {
            case "add" -> "+";
            case "sub" -> "-";
            case "mul" -> "*";
            default -> "/";
        };
    }
}
