package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernelWriter;

/**
 * The kernels that reduce rows (normalisations, softmax, global pooling, sums) run
 * one work-group per row: each work item folds a strided share of the row's elements,
 * then the group combines the shares in a tree in local memory. The order of the
 * additions is fixed, so results are the same from run to run.
 */
final class RowReduction {
    private static final int MAX_GROUP = 256;

    private final int group;

    private RowReduction(int group) {
        this.group = group;
    }

    /**
     * Declares the NDRange, one work-group per row, and in the body {@code row} (the row
     * index), {@code lid} (the item's index in the group) and {@code partial} (the local
     * memory the combining uses, of {@code type}). Sized for rows of {@code size} elements.
     */
    static RowReduction begin(ClKernelWriter w, long rows, long size, String type) {
        int group = (int) Math.min(MAX_GROUP, Math.max(1, Long.highestOneBit(Math.max(1, size - 1)) * 2));
        if (size <= 1) {
            group = 1;
        }
        w.range(new long[] {rows * group}, new long[] {group});
        CodeBlock.Builder k = w.code();
        k.addStatement("__local $L partial[$L]", type, group);
        k.addStatement("int row = get_group_id(0)");
        k.addStatement("int lid = get_local_id(0)");
        return new RowReduction(group);
    }

    /** Work items per row. */
    int group() {
        return group;
    }

    /** Opens a loop in which {@code e} takes this item's share of {@code [0, size)}. */
    void share(CodeBlock.Builder k, String e, long size) {
        k.beginControlFlow("for (int $L = lid; $L < $L; $L += $L)", e, e, size, e, group);
    }

    /**
     * Combines every item's {@code var} with {@code combine} (a function name such as
     * {@code kiln_max}, or null for addition); afterwards every item's {@code var} holds
     * the row's result.
     */
    void combine(CodeBlock.Builder k, String var, String combine) {
        k.addStatement("partial[lid] = $L", var);
        k.addStatement("barrier(CLK_LOCAL_MEM_FENCE)");
        if (group > 1) {
            k.beginControlFlow("for (int s = $L; s > 0; s >>= 1)", group / 2);
            k.beginControlFlow("if (lid < s)");
            k.addStatement(combine == null ? "partial[lid] += partial[lid + s]"
                    : "partial[lid] = " + combine + "(partial[lid], partial[lid + s])");
            k.endControlFlow();
            k.addStatement("barrier(CLK_LOCAL_MEM_FENCE)");
            k.endControlFlow();
        }
        k.addStatement("$L = partial[0]", var);
        // Nobody may overwrite partial[0] for the next combine before every item has read it.
        k.addStatement("barrier(CLK_LOCAL_MEM_FENCE)");
    }
}
