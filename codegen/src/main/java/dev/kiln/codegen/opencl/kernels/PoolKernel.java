package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Pool;

/**
 * AveragePool and MaxPool over any number of spatial axes, one work item per output
 * element. Per axis the window's first and last tap inside the input are computed
 * once ({@code kNlo}, {@code kNhi}), so the loops read only real elements; padding
 * counts only in AveragePool's divisor with count_include_pad. MaxPool keeps the
 * first maximum and never takes a NaN (as ONNX Runtime); its Indices are offsets into
 * the whole input, row- or column-major over the spatial axes.
 */
public final class PoolKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public String[] outputNames() {
        return new String[] {"y", "indices"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        Pool.Params p = Pool.params(w.node());
        boolean max = w.node().opType().equals("MaxPool");
        boolean indices = max && w.hasOut(1);
        ElementType t = w.in(0).elementType();
        int n = p.input().length;
        long[] out = p.output();
        long[] inStrides = Loops.contiguous(p.input());
        long[] outStrides = Loops.contiguous(out);
        long[] indexStrides = p.columnMajor() ? columnMajor(p.input()) : inStrides;
        long inPlane = inStrides[0] * p.input()[0];
        long outPlane = outStrides[0] * out[0];
        w.perElement("i", p.planes() * outPlane);
        CodeBlock.Builder k = w.code();
        k.addStatement("int xb = i / $L * $L", outPlane, inPlane);
        for (int d = 0; d < n; d++) {
            long pad = p.padsBegin()[d];
            long dil = p.dilations()[d];
            String o = IndexMath.coordinate("i", outStrides[d], out[d], false);
            k.add("// window taps on spatial axis $L that fall inside the input\n", d);
            k.addStatement("int s$L = $L$L", d, IndexMath.scaled("(" + o + ")", p.strides()[d]), IndexMath.plus(-pad));
            if (pad == 0) {
                k.addStatement("int k$Llo = 0", d);
            } else {
                k.addStatement("int k$Llo = s$L < 0 ? $L : 0", d, d, IndexMath.ceilDiv("-s" + d, dil));
            }
            k.addStatement("int k$Lhi = min($L, $L)", d, p.kernel()[d], IndexMath.ceilDiv(p.input()[d] + " - s" + d, dil));
        }
        String c = ClTypes.compute(t);
        if (max) {
            k.addStatement("$L best = $L", c, ClTypes.lowest(t));
            if (indices) {
                k.addStatement("long at = -1"); // stays -1 only if no tap beats the lowest value, as in ONNX Runtime
            }
        } else {
            k.addStatement("$L sum = $L", c, ClTypes.literal(t, 0));
        }
        StringBuilder offset = new StringBuilder("xb");
        StringBuilder index = new StringBuilder("xb");
        for (int d = 0; d < n; d++) {
            k.beginControlFlow("for (int k$L = k$Llo; k$L < k$Lhi; k$L++)", d, d, d, d, d);
            k.addStatement("int i$L = s$L + $L", d, d, IndexMath.scaled("k" + d, p.dilations()[d]));
            offset.append(" + ").append(IndexMath.scaled("i" + d, inStrides[d]));
            index.append(" + ").append(IndexMath.scaled("i" + d, indexStrides[d]));
        }
        if (max) {
            k.addStatement("$L v = $L", c, w.in(0).load(offset));
            k.beginControlFlow("if (v > best)");
            k.addStatement("best = v");
            if (indices) {
                k.addStatement("at = $L", index);
            }
            k.endControlFlow();
        } else {
            k.addStatement("sum += $L", w.in(0).load(offset));
        }
        for (int d = 0; d < n; d++) {
            k.endControlFlow();
        }
        if (max) {
            k.addStatement("$L", w.out(0).store("i", CodeBlock.of("best")));
            if (indices) {
                k.addStatement("$L", w.out(1).store("i", CodeBlock.of("at")));
            }
        } else {
            k.addStatement("$L", w.out(0).store("i", CodeBlock.of("sum / ($L) ($L)", c, divisor(p))));
        }
    }

    /**
     * AveragePool's divisor: the taps inside the input, or with count_include_pad the
     * taps inside the padded input (a ceil_mode window may reach past the end padding).
     */
    private static String divisor(Pool.Params p) {
        StringBuilder s = new StringBuilder();
        for (int d = 0; d < p.input().length; d++) {
            s.append(d > 0 ? " * " : "");
            if (p.countIncludePad()) {
                long end = p.input()[d] + p.padsEnd()[d];
                s.append("min(").append(p.kernel()[d]).append(", ")
                        .append(IndexMath.ceilDiv(end + " - s" + d, p.dilations()[d])).append(")");
            } else {
                s.append("max(0, k").append(d).append("hi - k").append(d).append("lo)");
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
}
