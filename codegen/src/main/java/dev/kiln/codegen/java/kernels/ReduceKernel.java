package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.ops.Reduce;
import java.util.ArrayList;
import java.util.List;

/**
 * The Reduce ops. One work item is one output element: its coordinates along the
 * kept axes fix a base offset, and nested loops over the reduced axes visit its
 * inputs. Sums are kept in double.
 */
public final class ReduceKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        String op = w.node().opType();
        if (!op.equals("ReduceMean")) {
            throw new CompileException(w.node().describe() + ": no Java kernel for " + op);
        }
        Reduce.Params p = ((Reduce) OpRegistry.standard().get(w.node())).params(w.node());
        ElementType t = w.in(0).elementType();
        long[] in = w.in(0).type().dims();
        long[] strides = dev.kiln.codegen.java.Loops.contiguous(in);
        List<Integer> kept = new ArrayList<>();
        List<Integer> reduced = new ArrayList<>();
        long count = 1;
        for (int d = 0; d < in.length; d++) {
            if (p.reduced()[d] && !p.identity()) {
                reduced.add(d);
                count *= in[d];
            } else {
                kept.add(d);
            }
        }
        long outSize = w.out(0).type().size();
        w.work((int) Math.max(1, outSize));
        w.cost(w.in(0).type().size());
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        StringBuilder base = new StringBuilder("0");
        long inner = 1;
        for (int i = kept.size() - 1; i >= 0; i--) {
            int d = kept.get(i);
            if (in[d] == 1) {
                continue;
            }
            base.append(" + (item / ").append(inner).append(" % ").append(in[d]).append(") * ").append(strides[d]);
            inner *= in[d];
        }
        k.addStatement("int base = $L", base);
        k.addStatement("double acc = 0");
        StringBuilder offset = new StringBuilder("base");
        for (int d : reduced) {
            String r = "r" + d;
            k.beginControlFlow("for (int $L = 0; $L < $L; $L++)", r, r, in[d], r);
            offset.append(" + ").append(r).append(" * ").append(strides[d]);
        }
        k.addStatement("acc += $L", JavaTypes.load(t, w.in(0).at(offset), w.runtime()));
        for (int ignored : reduced) {
            k.endControlFlow();
        }
        k.addStatement("$L = $L", w.out(0).at("item"),
                JavaTypes.store(t, CodeBlock.of("($L) (acc / $L)", JavaTypes.compute(t), count), w.runtime()));
        k.endControlFlow();
    }
}
