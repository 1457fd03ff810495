package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.ArgMax;

/**
 * ArgMax: one work item per output element walks its row in order from the first
 * element; only a greater value (with select_last_index, one not less) moves the
 * index, so a NaN wins only where it comes first, as in ONNX Runtime.
 */
public final class ArgMaxKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ArgMax.Params p = ArgMax.params(w.node());
        ElementType t = w.in(0).elementType();
        String c = ClTypes.compute(t);
        int inner = p.inner();
        w.perElement("item", (long) p.outer() * inner);
        CodeBlock.Builder k = w.code();
        k.addStatement("int base = $L", inner == 1 ? "item * " + p.extent()
                : "item / " + inner + " * " + (long) p.extent() * inner + " + item % " + inner);
        k.addStatement("$L best = $L", c, w.in(0).load("base"));
        k.addStatement("long index = 0");
        k.beginControlFlow("for (int e = 1; e < $L; e++)", p.extent());
        k.addStatement("$L v = $L", c, w.in(0).load("base + " + IndexMath.scaled("e", inner)));
        k.beginControlFlow(p.lastIndex() ? "if (!(v < best))" : "if (v > best)");
        k.addStatement("best = v");
        k.addStatement("index = e");
        k.endControlFlow();
        k.endControlFlow();
        k.addStatement("$L", w.out(0).store("item", CodeBlock.of("index")));
    }
}
