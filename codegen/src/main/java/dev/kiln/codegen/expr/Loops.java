package dev.kiln.codegen.expr;

import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Emits the nested loops that visit every element of an output shape while
 * tracking a flat offset into each operand with its own strides (0 where an
 * operand is broadcast). Adjacent dimensions that every operand walks
 * contiguously are merged first, so the common cases become one flat loop.
 * The outermost loop runs over the kernel's work range {@code [lo, hi)}.
 */
public final class Loops {
    /** Elements per work item when the whole iteration collapses to one flat loop. */
    public static final int FLAT_CHUNK = 4096;

    private final long[] dims;
    private final long[][] strides;

    /**
     * @param dims the output shape
     * @param strides per operand (operand 0 is usually the output), its stride along each dimension
     */
    public Loops(long[] dims, long[]... strides) {
        List<Long> d = new ArrayList<>();
        List<List<Long>> s = new ArrayList<>();
        for (int k = 0; k < strides.length; k++) {
            s.add(new ArrayList<>());
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 1) {
                continue; // size-1 axes add nothing to any offset
            }
            int last = d.size() - 1;
            boolean merge = last >= 0;
            for (int k = 0; k < strides.length && merge; k++) {
                merge = s.get(k).get(last) == strides[k][i] * dims[i];
            }
            if (merge) {
                d.set(last, d.get(last) * dims[i]);
                for (int k = 0; k < strides.length; k++) {
                    s.get(k).set(last, strides[k][i]);
                }
            } else {
                d.add(dims[i]);
                for (int k = 0; k < strides.length; k++) {
                    s.get(k).add(strides[k][i]);
                }
            }
        }
        this.dims = d.stream().mapToLong(Long::longValue).toArray();
        this.strides = new long[strides.length][];
        for (int k = 0; k < strides.length; k++) {
            this.strides[k] = s.get(k).stream().mapToLong(Long::longValue).toArray();
        }
    }

    /** Row-major strides of a shape. */
    public static long[] contiguous(long[] dims) {
        long[] s = new long[dims.length];
        long step = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = step;
            step *= dims[i];
        }
        return s;
    }

    /** The merged dimensions. */
    public long[] dims() {
        return dims.clone();
    }

    /** The number of work items: chunks of a flat loop, or the outermost dimension. */
    public int work() {
        if (dims.length == 0) {
            return 1;
        }
        if (dims.length == 1) {
            return (int) ((dims[0] + FLAT_CHUNK - 1) / FLAT_CHUNK);
        }
        return (int) dims[0];
    }

    /** Whether the innermost loop walks operand {@code k} with stride 1. */
    public boolean innerContiguous(int k) {
        return dims.length > 0 && strides[k][dims.length - 1] == 1;
    }

    /**
     * Writes the loops. Inside the innermost body, {@code offsets[k]} names an int
     * expression for operand k's element offset (relative to the operand's own base).
     *
     * @param body given the offset expressions, writes the innermost statement(s)
     */
    public void emit(CodeBlock.Builder code, java.util.function.Function<String[], CodeBlock> body) {
        int n = strides.length;
        if (Arrays.stream(dims).anyMatch(d -> d == 0)) {
            return; // nothing to visit; the work range [0, 1) must not run the loop body once
        }
        if (dims.length == 0) {
            String[] zero = new String[n];
            Arrays.fill(zero, "0");
            code.add(body.apply(zero));
            return;
        }
        String[] base = new String[n];
        Arrays.fill(base, "");
        if (dims.length == 1) {
            code.beginControlFlow("for (int i = lo * $L, end = (int) Math.min($LL, (long) hi * $L); i < end; i++)",
                    FLAT_CHUNK, dims[0], FLAT_CHUNK);
            code.add(body.apply(offsets(base, "i", 0)));
            code.endControlFlow();
            return;
        }
        for (int d = 0; d < dims.length; d++) {
            String i = "i" + d;
            if (d == 0) {
                code.beginControlFlow("for (int $L = lo; $L < hi; $L++)", i, i, i);
            } else {
                code.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, dims[d], i);
            }
            if (d < dims.length - 1) {
                String[] next = new String[n];
                for (int k = 0; k < n; k++) {
                    String name = "o" + k + "_" + d;
                    code.addStatement("int $L = $L", name, term(base[k], i, strides[k][d]));
                    next[k] = name;
                }
                base = next;
            } else {
                code.add(body.apply(offsets(base, i, d)));
            }
        }
        for (int d = 0; d < dims.length; d++) {
            code.endControlFlow();
        }
    }

    /** The number of elements visited: the product of the dimensions. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    /**
     * Writes the offsets of one element, for kernels that run one work item per element
     * (OpenCL) instead of loops: {@code flat} names an int variable holding the element's
     * row-major index in the merged shape, in {@code [0, size())}. Declares {@code int i0,
     * i1, ...} for the coordinates that some operand needs (an operand walked in order just
     * uses {@code flat}), then writes the body given each operand's offset expression. The
     * arithmetic is valid C as well as Java.
     */
    public void emitAt(CodeBlock.Builder code, String flat, java.util.function.Function<String[], CodeBlock> body) {
        emitAt(code, flat, "i", body);
    }

    /** Like {@link #emitAt(CodeBlock.Builder, String, java.util.function.Function)}, naming the coordinates {@code prefix0, prefix1...}. */
    public void emitAt(CodeBlock.Builder code, String flat, String prefix,
                       java.util.function.Function<String[], CodeBlock> body) {
        long[] inner = contiguous(dims);
        boolean[] used = new boolean[dims.length];
        String[] out = new String[strides.length];
        for (int k = 0; k < strides.length; k++) {
            if (Arrays.equals(strides[k], inner)) {
                out[k] = flat;
                continue;
            }
            String offset = "";
            for (int d = 0; d < dims.length; d++) {
                if (strides[k][d] != 0) {
                    used[d] = true;
                    offset = term(offset, prefix + d, strides[k][d]);
                }
            }
            out[k] = offset.isEmpty() ? "0" : offset;
        }
        for (int d = 0; d < dims.length; d++) {
            if (used[d]) {
                String coordinate = IndexMath.div(flat, inner[d]);
                code.addStatement("int $L$L = $L", prefix, d, d == 0 ? coordinate : coordinate + " % " + dims[d]);
            }
        }
        code.add(body.apply(out));
    }

    private String[] offsets(String[] base, String index, int d) {
        String[] out = new String[strides.length];
        for (int k = 0; k < strides.length; k++) {
            out[k] = term(base[k], index, strides[k][d]);
        }
        return out;
    }

    /** {@code base + index * stride}, simplified. */
    private static String term(String base, String index, long stride) {
        String t = stride == 0 ? "" : stride == 1 ? index : index + " * " + stride;
        if (base.isEmpty()) {
            return t.isEmpty() ? "0" : t;
        }
        return t.isEmpty() ? base : base + " + " + t;
    }
}
