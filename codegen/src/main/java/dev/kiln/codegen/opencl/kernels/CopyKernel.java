package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.compiler.ops.BlockRearrange;
import dev.kiln.compiler.ops.Broadcast;
import dev.kiln.compiler.ops.Slice;
import dev.kiln.compiler.ops.Tile;
import dev.kiln.compiler.ops.Transpose;
import java.util.List;

/**
 * The ops that copy elements unchanged, each output element from one input element
 * found through strides: Transpose (permuted strides), Slice (stepped strides from
 * the first selected element), Expand (stride 0 along broadcast axes), Tile (the
 * output walked as repeat and input axis pairs) and DepthToSpace / SpaceToDepth (a
 * transpose of a 6-axis view). The bits move as stored.
 */
public final class CopyKernel implements ClKernel {
    public static final List<String> OPS = List.of("Transpose", "Slice", "Expand", "Tile", "DepthToSpace",
            "SpaceToDepth");

    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        long[] in = w.in(0).type().dims();
        long[] inStrides = Loops.contiguous(in);
        long first = 0;
        Loops loops;
        switch (w.node().opType()) {
            case "Transpose" -> {
                int[] perm = Transpose.perm(w.node());
                long[] read = new long[perm.length];
                for (int i = 0; i < perm.length; i++) {
                    read[i] = inStrides[perm[i]];
                }
                long[] out = w.out(0).type().dims();
                loops = new Loops(out, Loops.contiguous(out), read);
            }
            case "Slice" -> {
                Slice.Params p = Slice.params(w.node());
                long[] read = new long[in.length];
                for (int d = 0; d < in.length; d++) {
                    read[d] = inStrides[d] * p.step()[d];
                    first += inStrides[d] * p.start()[d];
                }
                loops = new Loops(p.outDims(), Loops.contiguous(p.outDims()), read);
            }
            case "Expand" -> {
                long[] out = w.out(0).type().dims();
                loops = new Loops(out, Loops.contiguous(out), Broadcast.strides(in, out));
            }
            case "Tile" -> {
                long[] dims = Tile.interleavedDims(in, Tile.repeats(w.node()));
                loops = new Loops(dims, Loops.contiguous(dims), Tile.interleavedInputStrides(in));
            }
            default -> {
                BlockRearrange.Params p = BlockRearrange.params(w.node());
                long[] strides6 = Loops.contiguous(p.inDims6());
                long[] dims = new long[6];
                long[] read = new long[6];
                for (int i = 0; i < 6; i++) {
                    dims[i] = p.inDims6()[p.perm()[i]];
                    read[i] = strides6[p.perm()[i]];
                }
                loops = new Loops(dims, Loops.contiguous(dims), read);
            }
        }
        long start = first;
        Elementwise.each(w, loops, o -> CodeBlock.builder().addStatement("$L = $L", w.out(0).raw(o[0]),
                w.in(0).raw(start == 0 ? o[1] : start + " + " + o[1])).build());
    }
}
