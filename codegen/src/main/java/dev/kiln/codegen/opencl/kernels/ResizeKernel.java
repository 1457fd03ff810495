package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Resize;
import dev.kiln.compiler.ops.ResizeAxis;
import java.util.ArrayList;
import java.util.List;

/**
 * Resize: the source indices and weights of every output index are computed at compile
 * time per axis ({@link ResizeAxis}) and written into the kernel as {@code __constant}
 * tables of input offsets, so the kernel is a gather (nearest) or a weighted sum over
 * the taps of each resized axis. One work item per output element; axes that are not
 * resized just walk the input.
 */
public final class ResizeKernel implements ClKernel {
    private static final int PER_LINE = 16;

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        Resize.Params p = Resize.params(w.node());
        ElementType t = w.in(0).elementType();
        String c = ClTypes.compute(t);
        long[] inStrides = Loops.contiguous(w.in(0).type().dims());
        long[] out = p.outDims();
        long[] outStrides = Loops.contiguous(out);
        int rank = out.length;
        w.perElement("i", w.out(0).type().size());
        CodeBlock.Builder k = w.code();
        List<String> gathered = new ArrayList<>(); // offset terms of the axes read at one index
        List<Integer> weighted = new ArrayList<>();
        List<String> outside = new ArrayList<>(); // conditions for a position outside a tf_crop_and_resize crop
        for (int a = 0; a < rank; a++) {
            ResizeAxis axis = p.axes()[a];
            String o = IndexMath.coordinate("i", outStrides[a], out[a], a == 0);
            if (axis.isIdentity()) {
                if (out[a] > 1) {
                    gathered.add(IndexMath.scaled("(" + o + ")", inStrides[a]));
                }
                continue;
            }
            int[] offsets = new int[axis.index().length];
            for (int j = 0; j < offsets.length; j++) {
                offsets[j] = axis.index()[j] < 0 ? -1 : (int) (axis.index()[j] * inStrides[a]);
            }
            k.addStatement("int o$L = $L", a, o);
            if (axis.isGather()) {
                k.add("// axis $L, $L -> $L: offset$L[o] is the input offset output index o reads\n", a, axis.in(),
                        axis.out(), a);
                table(k, "int", "offset" + a, ints(offsets));
                gathered.add("offset" + a + "[o" + a + "]");
                if (axis.extrapolates()) {
                    outside.add("offset" + a + "[o" + a + "] < 0");
                }
            } else {
                k.add("// axis $L, $L -> $L: offset$L[o * $L + t] is the input offset of tap t of output index o,"
                        + " weight$L[...] its weight\n", a, axis.in(), axis.out(), a, axis.taps(), a);
                table(k, "int", "offset" + a, ints(offsets));
                table(k, c, "weight" + a, literals(t, axis.weight()));
                weighted.add(a);
                if (axis.extrapolates()) {
                    outside.add("offset" + a + "[o" + a + " * " + axis.taps() + "] < 0");
                }
            }
        }
        if (!outside.isEmpty()) {
            double fill = w.node().attributes().getFloat("extrapolation_value", 0f);
            k.beginControlFlow("if ($L)", String.join(" || ", outside));
            k.addStatement("$L", w.out(0).store("i", CodeBlock.of("$L", ClTypes.literal(t, fill))));
            k.addStatement("return");
            k.endControlFlow();
        }
        String source = gathered.isEmpty() ? "0" : String.join(" + ", gathered);
        if (weighted.isEmpty()) {
            k.addStatement("$L = $L", w.out(0).raw("i"), w.in(0).raw(source));
            return;
        }
        k.addStatement("$L sum = 0", c);
        String product = "";
        for (int a : weighted) {
            int taps = p.axes()[a].taps();
            String entry = "o" + a + " * " + taps + " + t" + a;
            k.beginControlFlow("for (int t$L = 0; t$L < $L; t$L++)", a, a, taps, a);
            k.addStatement("$L w$L = $Lweight$L[$L]", c, a, product.isEmpty() ? "" : product + " * ", a, entry);
            source = source + " + offset" + a + "[" + entry + "]";
            product = "w" + a;
        }
        k.addStatement("sum += $L * $L", product, w.in(0).load(source.startsWith("0 + ") ? source.substring(4) : source));
        for (int ignored : weighted) {
            k.endControlFlow();
        }
        k.addStatement("$L", w.out(0).store("i", CodeBlock.of("sum")));
    }

    /** Declares a {@code __constant} array in the kernel: a compile-time table. */
    private static void table(CodeBlock.Builder k, String type, String name, List<String> values) {
        StringBuilder s = new StringBuilder();
        for (int j = 0; j < values.size(); j++) {
            s.append(j % PER_LINE == 0 ? "\n" : " ").append(values.get(j)).append(j + 1 < values.size() ? "," : "");
        }
        k.add("__constant $L $L[$L] = {$>$>$L$<$<\n};\n", type, name, values.size(), s);
    }

    private static List<String> ints(int[] values) {
        List<String> s = new ArrayList<>();
        for (int v : values) {
            s.add(Integer.toString(v));
        }
        return s;
    }

    private static List<String> literals(ElementType t, double[] values) {
        List<String> s = new ArrayList<>();
        for (double v : values) {
            s.add(ClTypes.literal(t, v));
        }
        return s;
    }
}
