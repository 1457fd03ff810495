package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.compiler.ops.Tile;

/**
 * Tile: walks the output as (repeat, input axis) pairs per axis, which visits it in
 * order, reading the input with stride 0 along the repeat axes.
 */
public final class TileKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public void emit(KernelWriter w) {
        long[] in = w.in(0).type().dims();
        long[] dims = Tile.interleavedDims(in, Tile.repeats(w.node()));
        long[] outStrides = Loops.contiguous(dims);
        Loops loops = new Loops(dims, outStrides, Tile.interleavedInputStrides(in));
        w.work(loops.work());
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L = $L", w.out(0).at(o[0]), w.in(0).at(o[1])).build());
    }
}
