package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.TensorType;

/** Numpy-style multidirectional broadcasting, as ONNX defines it. */
public final class Broadcast {
    private Broadcast() {
    }

    /** The broadcast shape of {@code shapes}, or null if they are incompatible. */
    public static long[] shape(long[]... shapes) {
        int rank = 0;
        for (long[] s : shapes) {
            rank = Math.max(rank, s.length);
        }
        long[] out = new long[rank];
        java.util.Arrays.fill(out, 1);
        for (long[] s : shapes) {
            for (int i = 0; i < s.length; i++) {
                int o = rank - s.length + i;
                long d = s[i];
                if (out[o] == 1) {
                    out[o] = d;
                } else if (d != 1 && d != out[o]) {
                    return null;
                }
            }
        }
        return out;
    }

    /**
     * The strides to read an operand of shape {@code dims} at each index of the broadcast
     * shape {@code out}: 0 along broadcast axes, row-major strides elsewhere.
     */
    public static long[] strides(long[] dims, long[] out) {
        long[] own = new TensorType(dev.kiln.compiler.ir.ElementType.FLOAT, dims).strides();
        long[] s = new long[out.length];
        for (int i = 0; i < dims.length; i++) {
            int o = out.length - dims.length + i;
            s[o] = dims[i] == 1 ? 0 : own[i];
        }
        return s;
    }

    /** The flat index into an operand with {@code strides} for flat index {@code i} of shape {@code out}. */
    public static long sourceIndex(long i, long[] out, long[] strides) {
        long src = 0;
        for (int d = out.length - 1; d >= 0; d--) {
            long coord = i % out[d];
            i /= out[d];
            src += coord * strides[d];
        }
        return src;
    }
}
