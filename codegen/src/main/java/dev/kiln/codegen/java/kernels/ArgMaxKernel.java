package dev.kiln.codegen.java.kernels;

import dev.kiln.codegen.expr.IndexMath;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.ArgMax;

/**
 * ArgMax: one work item is one output element (an outer and inner position); it
 * scans the axis keeping the best value and its index. A strict comparison keeps
 * the first maximum; select_last_index takes later equal values too.
 */
public final class ArgMaxKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        ArgMax.Params p = ArgMax.params(w.node());
        ElementType t = w.in(0).elementType();
        int inner = p.inner();
        long items = (long) p.outer() * inner;
        if (items == 0) {
            return; // nothing to write
        }
        w.work((int) items);
        w.cost(items * p.extent());
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        if (inner == 1) {
            k.addStatement("int base = item * $L", p.extent());
        } else {
            k.addStatement("int base = item / $L * $L + item % $L", inner, (long) p.extent() * inner, inner);
        }
        k.addStatement("$L best = $L", JavaTypes.compute(t), JavaTypes.load(t, w.in(0).at("base"), w.runtime()));
        k.addStatement("long index = 0");
        k.beginControlFlow("for (int e = 1; e < $L; e++)", p.extent());
        k.addStatement("$L v = $L", JavaTypes.compute(t), JavaTypes.load(t, w.in(0).at("base + " + IndexMath.scaled("e", inner)), w.runtime()));
        CodeBlock better = Ordering.greater(t, "v", "best");
        k.beginControlFlow("if ($L)", p.lastIndex() ? CodeBlock.of("!($L)", Ordering.less(t, "v", "best")) : better);
        k.addStatement("best = v");
        k.addStatement("index = e");
        k.endControlFlow();
        k.endControlFlow();
        k.addStatement("$L = index", w.out(0).at("item"));
        k.endControlFlow();
    }
}
