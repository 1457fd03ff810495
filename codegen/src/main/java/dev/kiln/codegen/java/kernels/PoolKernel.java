package dev.kiln.codegen.java.kernels;

import dev.kiln.codegen.expr.IndexMath;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Pool;

/**
 * AveragePool and MaxPool over 1 to 3 spatial axes. One work item is one row of
 * the first spatial output axis in one (n, c) plane. For each output position the
 * window's first and last tap inside the input are computed once per axis
 * ({@code kNlo}, {@code kNhi}), so the inner loops read only real elements and
 * never test bounds; padding contributes nothing except to AveragePool's divisor
 * when count_include_pad is set. MaxPool keeps the first maximum and, like ONNX
 * Runtime, never takes a NaN; its Indices are offsets into the whole input, row- or
 * column-major over the spatial axes.
 */
public final class PoolKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public String[] outputNames() {
        return new String[] {"y", "indices"};
    }

    @Override
    public void emit(KernelWriter w) {
        Pool.Params p = Pool.params(w.node());
        boolean max = w.node().opType().equals("MaxPool");
        boolean indices = max && w.hasOut(1);
        ElementType t = w.in(0).elementType();
        String c = JavaTypes.compute(t);
        int n = p.input().length;
        long[] out = p.output();
        long[] inStrides = Loops.contiguous(p.input());
        long[] outStrides = Loops.contiguous(out);
        long[] indexStrides = p.columnMajor() ? columnMajor(p.input()) : inStrides;
        long inPlane = product(p.input());
        long outPlane = product(out);
        long window = product(p.kernel());
        long items = p.planes() * out[0];
        if (items == 0 || outPlane == 0) {
            return; // nothing to write
        }
        w.work((int) items);
        w.cost(p.planes() * outPlane * window);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.addStatement("int plane = item / $L", out[0]);
        k.addStatement("int xb = plane * $L", inPlane);
        k.addStatement("int yb = item * $L", outStrides[0]);
        for (int d = 0; d < n; d++) {
            if (d == 0) {
                k.addStatement("int o0 = item % $L", out[0]);
            } else {
                k.beginControlFlow("for (int o$L = 0; o$L < $L; o$L++)", d, d, out[d], d);
            }
            windowBounds(k, p, d);
        }
        if (max) {
            k.addStatement("$L best = $L", c, Ordering.lowest(t));
            if (indices) {
                k.addStatement("long at = -1"); // stays -1 only if no tap beats the lowest value, as in ONNX Runtime
            }
        } else {
            k.addStatement("double sum = 0");
        }
        for (int d = 0; d < n; d++) {
            k.beginControlFlow("for (int k$L = k$Llo; k$L < k$Lhi; k$L++)", d, d, d, d, d);
            k.addStatement("int i$L = s$L + $L", d, d, IndexMath.scaled("k" + d, p.dilations()[d]));
        }
        StringBuilder offset = new StringBuilder("xb");
        StringBuilder index = new StringBuilder("xb");
        for (int d = 0; d < n; d++) {
            offset.append(" + ").append(IndexMath.scaled("i" + d, inStrides[d]));
            index.append(" + ").append(IndexMath.scaled("i" + d, indexStrides[d]));
        }
        CodeBlock v = JavaTypes.load(t, w.in(0).at(offset), w.runtime());
        if (max) {
            k.addStatement("$L v = $L", c, v);
            k.beginControlFlow("if ($L)", Ordering.greater(t, "v", "best"));
            k.addStatement("best = v");
            if (indices) {
                k.addStatement("at = $L", index);
            }
            k.endControlFlow();
        } else {
            k.addStatement("sum += $L", v);
        }
        for (int d = 0; d < n; d++) {
            k.endControlFlow();
        }
        StringBuilder y = new StringBuilder("yb");
        for (int d = 1; d < n; d++) {
            y.append(" + ").append(IndexMath.scaled("o" + d, outStrides[d]));
        }
        if (max) {
            k.addStatement("$L = $L", w.out(0).at(y), JavaTypes.store(t, CodeBlock.of("best"), w.runtime()));
            if (indices) {
                k.addStatement("$L = at", w.out(1).at(y));
            }
        } else {
            k.addStatement("int count = $L", divisor(p));
            k.addStatement("$L = $L", w.out(0).at(y),
                    JavaTypes.store(t, CodeBlock.of("($L) (sum / count)", c), w.runtime()));
        }
        for (int d = 1; d < n; d++) {
            k.endControlFlow();
        }
        k.endControlFlow();
    }

    /**
     * Declares, for output index {@code o<d>} on spatial axis {@code d}, the window's first
     * input index {@code s<d>} (negative in the padding) and its first and last-plus-one taps
     * inside the input, {@code k<d>lo} and {@code k<d>hi}.
     */
    static void windowBounds(CodeBlock.Builder k, Pool.Params p, int d) {
        k.add("// window taps on spatial axis $L that fall inside the input\n", d);
        long pad = p.padsBegin()[d];
        long dil = p.dilations()[d];
        k.addStatement("int s$L = $L$L", d, IndexMath.scaled("o" + d, p.strides()[d]), pad == 0 ? "" : " - " + pad);
        if (pad == 0) {
            k.addStatement("int k$Llo = 0", d);
        } else {
            k.addStatement("int k$Llo = s$L < 0 ? $L : 0", d, d, IndexMath.ceilDiv("-s" + d, dil));
        }
        k.addStatement("int k$Lhi = Math.min($L, $L)", d, p.kernel()[d], IndexMath.ceilDiv(p.input()[d] + " - s" + d, dil));
    }

    /**
     * AveragePool's divisor, from the variables {@link #windowBounds} declares: the taps inside
     * the input, or with count_include_pad the taps inside the padded input (a ceil_mode
     * window may reach past the end padding).
     */
    static String divisor(Pool.Params p) {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < p.input().length; d++) {
            if (d > 0) {
                s.append(" * ");
            }
            if (p.countIncludePad()) {
                long end = p.input()[d] + p.padsEnd()[d];
                s.append("Math.min(").append(p.kernel()[d]).append(", ")
                        .append(IndexMath.ceilDiv(end + " - s" + d, p.dilations()[d])).append(")");
            } else {
                s.append("Math.max(0, k").append(d).append("hi - k").append(d).append("lo)");
            }
        }
        return s.toString();
    }

    private static long[] columnMajor(long[] dims) {
        long[] s = new long[dims.length];
        long step = 1;
        for (int i = 0; i < dims.length; i++) {
            s[i] = step;
            step *= dims[i];
        }
        return s;
    }

    private static long product(long[] dims) {
        long p = 1;
        for (long d : dims) {
            p *= d;
        }
        return p;
    }
}
