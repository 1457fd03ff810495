package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.TopK;

/**
 * TopK: one work item per row keeps a sorted list of the best k seen so far in
 * private memory, inserting each element in order; among equal values the earlier
 * index stays first, as ONNX specifies.
 */
public final class TopKKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public String[] outputNames() {
        return new String[] {"values", "indices"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        TopK.Params p = TopK.params(w.node());
        ElementType t = w.in(0).elementType();
        String c = ClTypes.compute(t);
        int inner = p.inner();
        if (p.k() == 0) {
            return; // nothing to write
        }
        w.perElement("item", (long) p.outer() * inner);
        CodeBlock.Builder k = w.code();
        k.addStatement("$L best[$L]", c, p.k());
        k.addStatement("int at[$L]", p.k());
        k.addStatement("int o = item / $L", inner);
        k.addStatement("int xb = o * $L$L", (long) p.extent() * inner, inner == 1 ? "" : " + item % " + inner);
        k.addStatement("int n = 0");
        k.beginControlFlow("for (int e = 0; e < $L; e++)", p.extent());
        k.addStatement("$L v = $L", c, w.in(0).load("xb + " + IndexMath.scaled("e", inner)));
        k.addStatement("int j = n < $L ? n++ : $L", p.k(), p.k());
        k.add("// shift worse entries down until v's place; an entry equal to v stays ahead of it\n");
        k.beginControlFlow(p.largest() ? "while (j > 0 && v > best[j - 1])" : "while (j > 0 && v < best[j - 1])");
        k.beginControlFlow("if (j < $L)", p.k());
        k.addStatement("best[j] = best[j - 1]");
        k.addStatement("at[j] = at[j - 1]");
        k.endControlFlow();
        k.addStatement("j--");
        k.endControlFlow();
        k.beginControlFlow("if (j < $L)", p.k());
        k.addStatement("best[j] = v");
        k.addStatement("at[j] = e");
        k.endControlFlow();
        k.endControlFlow();
        k.addStatement("int yb = o * $L$L", (long) p.k() * inner, inner == 1 ? "" : " + item % " + inner);
        k.beginControlFlow("for (int j = 0; j < $L; j++)", p.k());
        if (w.hasOut(0)) {
            k.addStatement("$L", w.out(0).store("yb + " + IndexMath.scaled("j", inner), CodeBlock.of("best[j]")));
        }
        if (w.hasOut(1)) {
            k.addStatement("$L", w.out(1).store("yb + " + IndexMath.scaled("j", inner), CodeBlock.of("at[j]")));
        }
        k.endControlFlow();
    }
}
