package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClSpelling;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import java.util.List;

/**
 * Min, Max, Sum and Mean over any number of broadcast inputs, folded left to right
 * into an accumulator of the compute type; Min and Max propagate NaN, as Java's do.
 */
public final class VariadicKernel implements ClKernel {
    public static final List<String> OPS = List.of("Min", "Max", "Sum", "Mean");

    @Override
    public void emit(ClKernelWriter w) {
        List<ClKernelWriter.Operand> ins = w.inputs();
        ClKernelWriter.Operand y = w.out(0);
        ElementType t = y.elementType();
        ClSpelling s = new ClSpelling(t);
        String op = w.node().opType();
        Elementwise.each(w, Elementwise.broadcast(y.type().dims(), ins), o -> {
            CodeBlock.Builder body = CodeBlock.builder();
            body.addStatement("$L acc = $L", ClTypes.compute(t), ins.get(0).load(o[1]));
            for (int k = 1; k < ins.size(); k++) {
                CodeBlock v = ins.get(k).load(o[k + 1]);
                CodeBlock acc = CodeBlock.of("acc");
                body.addStatement("acc = $L", switch (op) {
                    case "Min" -> s.min(acc, v);
                    case "Max" -> s.max(acc, v);
                    default -> s.add(acc, v);
                });
            }
            CodeBlock result = op.equals("Mean") ? s.div(CodeBlock.of("acc"), s.literal(ins.size())) : CodeBlock.of("acc");
            return body.addStatement("$L", y.store(o[0], result)).build();
        });
    }
}
