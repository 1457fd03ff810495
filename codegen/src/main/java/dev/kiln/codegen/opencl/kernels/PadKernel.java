package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ops.Pad;
import java.util.ArrayList;
import java.util.List;

/**
 * Pad: one work item per output element. Each coordinate is mapped back into the
 * kept input by the mode ({@link Pad#source}); in constant mode a coordinate outside
 * it writes the constant.
 */
public final class PadKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        Pad.Params p = Pad.params(w.node());
        long[] out = p.outDims();
        long[] inStrides = Loops.contiguous(w.in(0).type().dims());
        long[] outStrides = Loops.contiguous(out);
        ClKernelWriter.Operand x = w.in(0);
        ClKernelWriter.Operand y = w.out(0);
        w.perElement("i", y.type().size());
        if (y.type().size() == 0) {
            return;
        }
        CodeBlock.Builder k = w.code();
        List<String> src = new ArrayList<>();
        long first = 0;
        for (int d = 0; d < out.length; d++) {
            first += p.keepFrom()[d] * inStrides[d];
            if (out[d] == 1 && p.keep()[d] == 1 && p.lead()[d] == 0) {
                continue; // reads coordinate 0
            }
            String c = "c" + d;
            String coordinate = IndexMath.coordinate("i", outStrides[d], out[d], d == 0);
            if (p.lead()[d] == 0 && p.keep()[d] == out[d]) {
                k.addStatement("int $L = $L", c, coordinate);
            } else {
                k.addStatement("int $L = $L - $L", c, coordinate, p.lead()[d]);
                mapCoordinate(k, p, d, c, y);
            }
            src.add(c + " * " + inStrides[d]);
        }
        if (first != 0 || src.isEmpty()) {
            src.add(Long.toString(first));
        }
        k.addStatement("$L = $L", y.raw("i"), x.raw(String.join(" + ", src)));
    }

    /** Maps {@code c} (relative to the first kept element of axis d) into [0, keep) by the mode. */
    private static void mapCoordinate(CodeBlock.Builder k, Pad.Params p, int d, String c, ClKernelWriter.Operand y) {
        long dim = p.keep()[d];
        switch (p.mode()) {
            case CONSTANT -> {
                k.beginControlFlow("if ($L < 0 || $L >= $L)", c, c, dim);
                k.addStatement("$L = $L", y.raw("i"), storageLiteral(p.value()));
                k.addStatement("return");
                k.endControlFlow();
            }
            case EDGE -> k.addStatement("$L = clamp($L, 0, $L)", c, c, dim - 1);
            case WRAP -> k.addStatement("$L = ($L % $L + $L) % $L", c, c, dim, dim, dim);
            case REFLECT -> {
                if (dim == 1) {
                    k.addStatement("$L = 0", c);
                } else {
                    // Reflection is periodic with period 2 * (dim - 1): up the axis, then back down.
                    long period = 2 * (dim - 1);
                    k.addStatement("$L = ($L % $L + $L) % $L", c, c, period, period, period);
                    k.addStatement("$L = $L < $L ? $L : $L - $L", c, c, dim, c, period, c);
                }
            }
        }
    }

    /** The one element of {@code value} as a literal of its buffer's element type. */
    private static String storageLiteral(Tensor value) {
        ElementType t = value.elementType();
        return switch (t) {
            case FLOAT16, BFLOAT16 -> (((short[]) value.data())[0] & 0xFFFF) + "U";
            case BOOL -> value.getLong(0) != 0 ? "1" : "0";
            default -> ClTypes.literal(t, t.isFloat() ? value.getDouble(0) : value.getLong(0));
        };
    }
}
