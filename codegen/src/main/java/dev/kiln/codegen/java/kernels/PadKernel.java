package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ops.Pad;
import java.util.ArrayList;
import java.util.List;

/**
 * Pad: one work item per output row (all axes but the last). Each row finds the input
 * row it reads by mapping its coordinates through the mode (a row outside the kept
 * input in constant mode is filled with the constant), then writes the row in three
 * parts: the padding in front, the copied middle, the padding behind.
 */
public final class PadKernel implements JavaKernel {
    private static final ClassName ARRAYS = ClassName.get("java.util", "Arrays");

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        Pad.Params p = Pad.params(w.node());
        long[] out = p.outDims();
        long[] in = w.in(0).type().dims();
        KernelWriter.Operand x = w.in(0);
        KernelWriter.Operand y = w.out(0);
        CodeBlock.Builder k = w.code();
        if (y.type().size() == 0) {
            return;
        }
        if (out.length == 0) {
            k.addStatement("$L = $L", y.at(0), x.at(0));
            return;
        }
        int last = out.length - 1;
        long rows = y.type().size() / out[last];
        long[] inStrides = Loops.contiguous(in);
        CodeBlock value = storageLiteral(p.value());
        w.work((int) rows);
        k.beginControlFlow("for (int row = lo; row < hi; row++)");
        k.addStatement("int t = row * $L", out[last]);
        List<String> src = new ArrayList<>(); // terms of the input row's offset
        if (last > 1) {
            k.addStatement("int rest = row");
        }
        long first = 0; // the input offset of the first kept element
        for (int d = 0; d < out.length; d++) {
            first += p.keepFrom()[d] * inStrides[d];
        }
        for (int d = last - 1; d >= 0; d--) {
            String i = "i" + d;
            if (d == 0) {
                k.addStatement("int $L = $L", i, last > 1 ? "rest" : "row");
            } else {
                k.addStatement("int $L = rest % $L", i, out[d]);
                k.addStatement("rest /= $L", out[d]);
            }
            String c = "c" + d;
            if (p.lead()[d] == 0 && p.keep()[d] == out[d]) {
                c = i; // this axis is only cropped, or not touched
            } else if (p.mode() == Pad.Mode.CONSTANT) {
                k.addStatement("int $L = $L", c, minus(i, p.lead()[d]));
                k.beginControlFlow("if ($L < 0 || $L >= $L)", c, c, p.keep()[d]);
                k.addStatement("$T.fill($L, $L + t, $L + t + $L, $L)", ARRAYS, y.array(), y.offset(), y.offset(),
                        out[last], value);
                k.addStatement("continue");
                k.endControlFlow();
            } else {
                mapCoordinate(k, p.mode(), i, c, p.lead()[d], p.keep()[d]);
            }
            if (p.keep()[d] > 1) {
                src.add(0, c + " * " + inStrides[d]);
            }
        }
        if (first != 0 || src.isEmpty()) {
            src.add(Long.toString(first));
        }
        k.addStatement("int s = $L", String.join(" + ", src));
        long lead = p.lead()[last];
        long keep = p.keep()[last];
        long leftEnd = Math.min(lead, out[last]);
        long midEnd = Math.min(lead + keep, out[last]);
        padding(k, p, x, y, value, 0, leftEnd);
        if (midEnd > leftEnd) {
            k.addStatement("System.arraycopy($L, $L + s, $L, $L + $L, $L)", x.array(), x.offset(), y.array(),
                    y.offset(), plus("t", leftEnd), midEnd - leftEnd);
        }
        padding(k, p, x, y, value, midEnd, out[last]);
        k.endControlFlow();
    }

    /** Writes output elements [from, to) of the row at t, all outside the kept input along the last axis. */
    private static void padding(CodeBlock.Builder k, Pad.Params p, KernelWriter.Operand x, KernelWriter.Operand y,
            CodeBlock value, long from, long to) {
        if (to <= from) {
            return;
        }
        if (p.mode() == Pad.Mode.CONSTANT) {
            k.addStatement("$T.fill($L, $L + $L, $L + t + $L, $L)", ARRAYS, y.array(), y.offset(), plus("t", from),
                    y.offset(), to, value);
            return;
        }
        k.beginControlFlow("for (int j = $L; j < $L; j++)", from, to);
        int last = p.outDims().length - 1;
        mapCoordinate(k, p.mode(), "j", "c", p.lead()[last], p.keep()[last]);
        k.addStatement("$L = $L", y.at("t + j"), x.at("s + c"));
        k.endControlFlow();
    }

    /**
     * Declares {@code int c}: the coordinate among the {@code dim} kept elements that output
     * coordinate {@code i} reads, as {@link Pad#source}.
     */
    private static void mapCoordinate(CodeBlock.Builder k, Pad.Mode mode, String i, String c, long begin, long dim) {
        switch (mode) {
            case EDGE -> k.addStatement("int $L = Math.min(Math.max($L, 0), $L)", c, minus(i, begin), dim - 1);
            case WRAP -> k.addStatement("int $L = Math.floorMod($L, $L)", c, minus(i, begin), dim);
            case REFLECT -> {
                if (dim == 1) {
                    k.addStatement("int $L = 0", c);
                } else {
                    // Reflection is periodic with period 2 * (dim - 1): up the axis, then back down.
                    long period = 2 * (dim - 1);
                    k.addStatement("int $L = Math.floorMod($L, $L)", c, minus(i, begin), period);
                    k.addStatement("$L = $L < $L ? $L : $L - $L", c, c, dim, c, period, c);
                }
            }
            case CONSTANT -> throw new IllegalStateException("constant mode maps no coordinates");
        }
    }

    private static String minus(String i, long n) {
        return n == 0 ? i : i + " - " + n;
    }

    private static String plus(String i, long n) {
        return n == 0 ? i : i + " + " + n;
    }

    /** The one element of {@code value} as a literal of its storage type: {@code 1.5f}, {@code (short) 15360}... */
    static CodeBlock storageLiteral(Tensor value) {
        Object v = java.lang.reflect.Array.get(value.data(), 0);
        return switch (value.elementType().storage()) {
            case FLOAT -> CodeBlock.of("$L", JavaTypes.floatLiteral((Float) v));
            case DOUBLE -> CodeBlock.of("$L", JavaTypes.doubleLiteral((Double) v));
            case LONG -> CodeBlock.of("$LL", v);
            case INT, BOOLEAN -> CodeBlock.of("$L", v);
            case SHORT -> CodeBlock.of("(short) $L", v);
            case BYTE -> CodeBlock.of("(byte) $L", v);
            case STRING -> CodeBlock.of("$S", v);
        };
    }
}
