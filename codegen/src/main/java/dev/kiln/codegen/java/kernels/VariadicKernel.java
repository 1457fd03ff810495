package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Broadcast;
import java.util.List;

/**
 * Min, Max, Sum and Mean over any number of broadcast inputs: one pass over the output,
 * folding the inputs left to right into an accumulator of the compute type.
 */
public final class VariadicKernel implements JavaKernel {
    public static final List<String> OPS = List.of("Min", "Max", "Sum", "Mean");

    @Override
    public void emit(KernelWriter w) {
        List<KernelWriter.Operand> ins = w.inputs();
        KernelWriter.Operand y = w.out(0);
        long[] out = y.type().dims();
        long[][] strides = new long[ins.size() + 1][];
        strides[0] = Loops.contiguous(out);
        for (int k = 0; k < ins.size(); k++) {
            strides[k + 1] = Broadcast.strides(ins.get(k).type().dims(), out);
        }
        Loops loops = new Loops(out, strides);
        w.work(loops.work());
        ElementType t = y.elementType();
        String c = JavaTypes.compute(t);
        String op = w.node().opType();
        loops.emit(w.code(), o -> {
            CodeBlock.Builder body = CodeBlock.builder();
            body.addStatement("$L acc = $L", c, JavaTypes.load(t, ins.get(0).at(o[1]), w.runtime()));
            for (int k = 1; k < ins.size(); k++) {
                CodeBlock v = JavaTypes.load(t, ins.get(k).at(o[k + 1]), w.runtime());
                body.addStatement("acc = $L", combine(w, op, t, v));
            }
            CodeBlock result = op.equals("Mean")
                    ? CodeBlock.of("acc / $L", JavaTypes.literal(t, ins.size())) : CodeBlock.of("acc");
            body.addStatement("$L = $L", y.at(o[0]), JavaTypes.store(t, result, w.runtime()));
            return body.build();
        });
    }

    /** {@code acc OP v}: Math.min/max propagate NaN as ONNX Runtime does; unsigned 64-bit compares unsigned. */
    private static CodeBlock combine(KernelWriter w, String op, ElementType t, CodeBlock v) {
        boolean unsigned64 = t == ElementType.UINT64;
        return switch (op) {
            case "Min" -> unsigned64 ? CodeBlock.of("Long.compareUnsigned(acc, $L) <= 0 ? acc : $L", v, v)
                    : CodeBlock.of("Math.min(acc, $L)", v);
            case "Max" -> unsigned64 ? CodeBlock.of("Long.compareUnsigned(acc, $L) >= 0 ? acc : $L", v, v)
                    : CodeBlock.of("Math.max(acc, $L)", v);
            case "Sum", "Mean" -> CodeBlock.of("acc + $L", v);
            default -> throw new CompileException(w.node().describe() + ": no Java expression for " + op);
        };
    }
}
