package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.compiler.ops.Broadcast;
import java.util.List;
import java.util.function.Function;

/** One work item per output element, with each operand's offset from {@link Loops}. */
final class Elementwise {
    private Elementwise() {
    }

    /**
     * Runs {@code body} for every element of the output's shape; {@code operands[0]} is
     * walked in order (the output), the others with the given strides.
     */
    static void each(ClKernelWriter w, Loops loops, Function<String[], CodeBlock> body) {
        w.perElement("i", loops.size());
        if (loops.size() > 0) {
            loops.emitAt(w.code(), "i", body);
        }
    }

    /** Loops over {@code out} for the output and each operand broadcast to it. */
    static Loops broadcast(long[] out, List<ClKernelWriter.Operand> operands) {
        long[][] strides = new long[operands.size() + 1][];
        strides[0] = Loops.contiguous(out);
        for (int k = 0; k < operands.size(); k++) {
            strides[k + 1] = Broadcast.strides(operands.get(k).type().dims(), out);
        }
        return new Loops(out, strides);
    }
}
