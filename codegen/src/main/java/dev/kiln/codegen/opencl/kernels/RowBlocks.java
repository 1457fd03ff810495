package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernelWriter;

/**
 * The shape of the matrix-product kernels (MatMul, Gemm): a two-dimensional NDRange whose
 * dimension 0 runs over the columns of the result and dimension 1 over the matrices of
 * the batch and blocks of up to {@value #ROWS} rows. A work item sums its column for
 * every row of its block, so each element of B it loads feeds that many sums, and the
 * items of a work-group read the same elements of A and neighbouring elements of B. The
 * last block of a row count that {@value #ROWS} does not divide reads its last row again
 * for the missing ones and stores only its own.
 */
final class RowBlocks {
    static final int ROWS = 4;

    private RowBlocks() {
    }

    /**
     * Declares the NDRange and, in the body, {@code col}, {@code batch}, {@code row0} (the
     * block's first row) and {@code rowR} for each row of the block (clamped into range).
     *
     * @return the rows per block
     */
    static int begin(ClKernelWriter w, long batches, int rows, int cols) {
        int block = Math.min(ROWS, rows);
        int blocks = (rows + block - 1) / block;
        long group = Math.min(ClKernelWriter.GROUP, Long.highestOneBit(cols) == cols ? cols : Long.highestOneBit(cols) * 2);
        w.range(new long[] {ClKernelWriter.roundUp(cols, group), batches * blocks}, new long[] {group, 1});
        CodeBlock.Builder k = w.code();
        k.add("// dimension 0: column col; dimension 1: matrix batch and block of $L rows from row0\n", block);
        k.addStatement("int col = get_global_id(0)");
        if (cols % group != 0) {
            k.beginControlFlow("if (col >= $L)", cols).addStatement("return").endControlFlow();
        }
        k.addStatement("int batch = get_global_id(1) / $L", blocks);
        k.addStatement("int row0 = get_global_id(1) % $L * $L", blocks, block);
        for (int r = 0; r < block; r++) {
            if (r == 0) {
                k.addStatement("int row0r = row0");
            } else if (rows % block == 0) {
                k.addStatement("int row$Lr = row0 + $L", r, r);
            } else {
                k.addStatement("int row$Lr = min(row0 + $L, $L)", r, r, rows - 1);
            }
        }
        return block;
    }

    /** Opens the guard of row {@code r}'s store when the last block may be short. */
    static void guard(CodeBlock.Builder k, int r, int rows, int block) {
        if (r > 0 && rows % block != 0) {
            k.beginControlFlow("if (row0 + $L < $L)", r, rows);
        }
    }

    static void endGuard(CodeBlock.Builder k, int r, int rows, int block) {
        if (r > 0 && rows % block != 0) {
            k.endControlFlow();
        }
    }
}
