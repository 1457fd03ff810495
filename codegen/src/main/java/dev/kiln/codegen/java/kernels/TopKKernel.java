package dev.kiln.codegen.java.kernels;

import dev.kiln.codegen.expr.IndexMath;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.TopK;

/**
 * TopK: one work item is one line along the axis (an outer and inner position).
 * The line is scanned once, inserting each value into a sorted list of the k best
 * so far; an equal value goes after the ones already there, so ties keep the lower
 * index first. The list buffers are allocated once per work range.
 */
public final class TopKKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public String[] outputNames() {
        return new String[] {"values", "indices"};
    }

    @Override
    public void emit(KernelWriter w) {
        TopK.Params p = TopK.params(w.node());
        ElementType t = w.in(0).elementType();
        String c = JavaTypes.compute(t);
        int inner = p.inner();
        long items = (long) p.outer() * inner;
        if (items == 0 || p.k() == 0) {
            return; // nothing to write
        }
        w.work((int) items);
        w.cost(items * p.extent() * Math.min(p.k(), 16));
        CodeBlock.Builder k = w.code();
        k.addStatement("$L[] best = new $L[$L]", c, c, p.k());
        k.addStatement("int[] at = new int[$L]", p.k());
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        if (inner == 1) {
            k.addStatement("int o = item");
            k.addStatement("int xb = o * $L", p.extent());
        } else {
            k.addStatement("int o = item / $L", inner);
            k.addStatement("int i = item % $L", inner);
            k.addStatement("int xb = o * $L + i", (long) p.extent() * inner);
        }
        k.addStatement("int n = 0");
        k.beginControlFlow("for (int e = 0; e < $L; e++)", p.extent());
        k.addStatement("$L v = $L", c, JavaTypes.load(t, w.in(0).at("xb + " + IndexMath.scaled("e", inner)), w.runtime()));
        CodeBlock beats = p.largest() ? Ordering.greater(t, "v", "best[j - 1]") : Ordering.less(t, "v", "best[j - 1]");
        k.addStatement("int j = n < $L ? n++ : $L", p.k(), p.k());
        k.add("// shift worse entries down until v's place; an entry equal to v stays ahead of it\n");
        k.beginControlFlow("while (j > 0 && $L)", beats);
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
        k.addStatement("int yb = o * $L$L", (long) p.k() * inner, inner == 1 ? "" : " + i");
        k.beginControlFlow("for (int j = 0; j < $L; j++)", p.k());
        if (w.hasOut(0)) {
            k.addStatement("$L = $L", w.out(0).at("yb + " + IndexMath.scaled("j", inner)), JavaTypes.store(t, CodeBlock.of("best[j]"), w.runtime()));
        }
        if (w.hasOut(1)) {
            k.addStatement("$L = at[j]", w.out(1).at("yb + " + IndexMath.scaled("j", inner)));
        }
        k.endControlFlow();
        k.endControlFlow();
    }
}
