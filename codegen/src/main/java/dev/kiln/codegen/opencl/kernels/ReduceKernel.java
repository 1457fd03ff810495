package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.ops.Reduce;
import java.util.ArrayList;
import java.util.List;

/**
 * ReduceSum, ReduceMean and ReduceMax over any set of axes. Each output element is
 * a row: the input elements that differ only along the reduced axes. Sums run one
 * work-group per row (integers in 64 bits, wrapping like the storage type); the
 * maximum runs one work item per row in order, starting from the first element, so
 * a NaN is the maximum only where it comes first (as in ONNX Runtime). The maximum
 * of an empty set is the type's lowest value, a sum over it 0.
 */
public final class ReduceKernel implements ClKernel {
    public static final List<String> OPS = List.of("ReduceSum", "ReduceMean", "ReduceMax");

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        String op = w.node().opType();
        Reduce.Params p = ((Reduce) OpRegistry.standard().get(w.node())).params(w.node());
        ElementType t = w.in(0).elementType();
        long[] in = w.in(0).type().dims();
        long[] strides = Loops.contiguous(in);
        List<Long> keptDims = new ArrayList<>();
        List<Long> keptStrides = new ArrayList<>();
        List<Long> reducedDims = new ArrayList<>();
        List<Long> reducedStrides = new ArrayList<>();
        for (int d = 0; d < in.length; d++) {
            boolean reduced = p.reduced()[d] && !p.identity();
            (reduced ? reducedDims : keptDims).add(in[d]);
            (reduced ? reducedStrides : keptStrides).add(strides[d]);
        }
        long rows = w.out(0).type().size();
        long count = reducedDims.stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
        if (rows == 0) {
            return;
        }
        Loops kept = new Loops(array(keptDims), Loops.contiguous(array(keptDims)), array(keptStrides));
        Loops reduced = new Loops(array(reducedDims), Loops.contiguous(array(reducedDims)), array(reducedStrides));
        String c = ClTypes.compute(t);
        if (op.equals("ReduceMax")) {
            w.perElement("row", rows);
            CodeBlock.Builder k = w.code();
            kept.emitAt(k, "row", "r", o -> CodeBlock.builder().addStatement("int base = $L", o[1]).build());
            if (count == 0) {
                k.addStatement("$L", w.out(0).store("row", CodeBlock.of("$L", ClTypes.lowest(t))));
                return;
            }
            k.addStatement("$L top = $L", c, w.in(0).load("base"));
            k.beginControlFlow("for (int e = 1; e < $L; e++)", count);
            reduced.emitAt(k, "e", o -> CodeBlock.builder()
                    .addStatement("$L v = $L", c, w.in(0).load("base + " + o[1]))
                    .beginControlFlow("if (v > top)") // a later NaN never wins
                    .addStatement("top = v")
                    .endControlFlow().build());
            k.endControlFlow();
            k.addStatement("$L", w.out(0).store("row", CodeBlock.of("top")));
            return;
        }
        String acc = t.isFloat() ? c : t == ElementType.UINT64 ? "ulong" : "long";
        RowReduction r = RowReduction.begin(w, rows, count, acc);
        CodeBlock.Builder k = w.code();
        kept.emitAt(k, "row", "r", o -> CodeBlock.builder().addStatement("int base = $L", o[1]).build());
        k.addStatement("$L sum = 0", acc);
        r.share(k, "e", count);
        reduced.emitAt(k, "e", o -> CodeBlock.builder().addStatement("sum += $L", w.in(0).load("base + " + o[1])).build());
        k.endControlFlow();
        r.combine(k, "sum", null);
        k.beginControlFlow("if (lid == 0)");
        k.addStatement("$L", w.out(0).store("row", op.equals("ReduceMean") && count > 0
                ? CodeBlock.of("($L) (sum / $L)", c, count) : CodeBlock.of("($L) sum", c)));
        k.endControlFlow();
    }

    private static long[] array(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}
