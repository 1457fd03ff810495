package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Resize;
import dev.kiln.compiler.ops.ResizeAxis;

/**
 * Resize: the source indices and weights of every output index are computed at
 * compile time per axis ({@link ResizeAxis}) and emitted as static tables holding
 * input offsets, so the kernel is a gather (nearest) or a weighted sum over the
 * taps of each resized axis. A work item is one output row (all axes but the last);
 * axes that are not resized just walk the input.
 */
public final class ResizeKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        Resize.Params p = Resize.params(w.node());
        ElementType t = w.in(0).elementType();
        long[] inStrides = Loops.contiguous(w.in(0).type().dims());
        long[] out = p.outDims();
        int rank = out.length;
        int last = rank - 1;
        String acc = t == ElementType.DOUBLE ? "double" : "float";
        double extrapolation = w.node().attributes().getFloat("extrapolation_value", 0f);
        CodeBlock fill = JavaTypes.store(t, CodeBlock.of(JavaTypes.literal(t, extrapolation)), w.runtime());
        String[] index = new String[rank];
        String[] weight = new String[rank];
        long taps = 1;
        boolean weighted = false;
        for (int a = 0; a < rank; a++) {
            ResizeAxis axis = p.axes()[a];
            if (axis.isIdentity()) {
                continue;
            }
            int[] offsets = new int[axis.index().length];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = axis.index()[i] < 0 ? -1 : (int) (axis.index()[i] * inStrides[a]);
            }
            index[a] = w.intTable("resize_offset", offsets);
            if (!axis.isGather()) {
                weight[a] = acc.equals("double") ? w.doubleTable("resize_weight", axis.weight())
                        : w.floatTable("resize_weight", toFloats(axis.weight()));
                taps *= axis.taps();
                weighted = true;
            }
            if (weight[a] == null) {
                w.code().add("// axis $L, $L -> $L: $L[o] is the input offset output index o reads\n", a, axis.in(),
                        axis.out(), index[a]);
            } else {
                w.code().add("// axis $L, $L -> $L: $L[o * $L + t] is the input offset of tap t of output index o, $L[...]"
                        + " its weight\n", a, axis.in(), axis.out(), index[a], axis.taps(), weight[a]);
            }
        }
        long rows = 1;
        for (int a = 0; a < last; a++) {
            rows *= out[a];
        }
        w.work((int) rows);
        w.cost(rows * out[last] * taps);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int row = lo; row < hi; row++)");
        k.addStatement("int yr = yo + row * $L", out[last]);
        k.addStatement("int xr = xo");
        long below = 1;
        for (int a = last - 1; a >= 0; a--) {
            // o<a>: this row's index on axis a; the source offset of gathered and untouched axes is known now
            ResizeAxis axis = p.axes()[a];
            if (out[a] == 1 && index[a] == null) {
                continue; // a single untouched index adds nothing
            }
            k.addStatement("int o$L = row$L % $L", a, below == 1 ? "" : " / " + below, out[a]);
            below *= out[a];
            if (index[a] == null) {
                k.addStatement("xr += o$L * $L", a, inStrides[a]);
            } else if (weight[a] == null) {
                outsideRow(k, axis, "o" + a, index[a], out[last], fill);
                k.addStatement("xr += $L[o$L]", index[a], a);
            } else {
                outsideRow(k, axis, "o" + a + " * " + axis.taps(), index[a], out[last], fill);
            }
        }
        String o = "o" + last;
        k.beginControlFlow("for (int $L = 0; $L < $L; $L++)", o, o, out[last], o);
        ResizeAxis lastAxis = p.axes()[last];
        if (index[last] != null && lastAxis.extrapolates()) {
            String first = weight[last] == null ? o : o + " * " + lastAxis.taps();
            k.beginControlFlow("if ($L[$L] < 0)", index[last], first);
            k.addStatement("y[yr + $L] = $L", o, fill);
            k.addStatement("continue");
            k.endControlFlow();
        }
        String source = "xr";
        if (index[last] == null) {
            source = "xr + " + o + (inStrides[last] == 1 ? "" : " * " + inStrides[last]);
        } else if (weight[last] == null) {
            source = "xr + " + index[last] + "[" + o + "]";
        }
        if (!weighted) {
            k.addStatement("y[yr + $L] = x[$L]", o, source);
        } else {
            k.addStatement("$L sum = 0", acc);
            weightedSum(k, w, p, index, weight, acc, source, 0, "");
            k.addStatement("y[yr + $L] = $L", o, JavaTypes.store(t, CodeBlock.of("sum"), w.runtime()));
        }
        k.endControlFlow();
        k.endControlFlow();
    }

    /** For a row axis that can fall outside a tf_crop_and_resize crop: fill the row with the extrapolation value. */
    private static void outsideRow(CodeBlock.Builder k, ResizeAxis axis, String first, String table, long rowLength,
                                   CodeBlock fill) {
        if (!axis.extrapolates()) {
            return;
        }
        k.beginControlFlow("if ($L[$L] < 0)", table, first);
        k.addStatement("java.util.Arrays.fill(y, yr, yr + $L, $L)", rowLength, fill);
        k.addStatement("continue");
        k.endControlFlow();
    }

    /**
     * One tap loop per weighted axis from {@code a} on, the innermost adding weight product times input;
     * {@code w<a>} is the product of the weights chosen so far and {@code x<a>} the source offset.
     */
    private static void weightedSum(CodeBlock.Builder k, KernelWriter w, Resize.Params p, String[] index,
                                    String[] weight, String acc, String source, int a, String product) {
        int rank = index.length;
        while (a < rank && weight[a] == null) {
            a++;
        }
        if (a == rank) {
            CodeBlock value = JavaTypes.load(w.in(0).elementType(), CodeBlock.of("x[$L]", source), w.runtime());
            k.addStatement("sum += $L * $L", product, value);
            return;
        }
        int taps = p.axes()[a].taps();
        String tap = "t" + a;
        String entry = "o" + a + " * " + taps + " + " + tap;
        k.beginControlFlow("for (int $L = 0; $L < $L; $L++)", tap, tap, taps, tap);
        String wName = "w" + a;
        k.addStatement("$L $L = $L$L[$L]", acc, wName, product.isEmpty() ? "" : product + " * ", weight[a], entry);
        String xName = "x" + a;
        k.addStatement("int $L = $L + $L[$L]", xName, source, index[a], entry);
        weightedSum(k, w, p, index, weight, acc, xName, a + 1, wName);
        k.endControlFlow();
    }

    private static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
