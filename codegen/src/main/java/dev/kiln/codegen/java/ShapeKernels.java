package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.BlockRearrangeKernel;
import dev.kiln.codegen.java.kernels.ConcatKernel;
import dev.kiln.codegen.java.kernels.ExpandKernel;
import dev.kiln.codegen.java.kernels.GatherKernel;
import dev.kiln.codegen.java.kernels.PadKernel;
import dev.kiln.codegen.java.kernels.ScatterNDKernel;
import dev.kiln.codegen.java.kernels.SliceKernel;
import dev.kiln.codegen.java.kernels.SplitKernel;
import dev.kiln.codegen.java.kernels.TileKernel;
import dev.kiln.codegen.java.kernels.TransposeKernel;
import dev.kiln.compiler.ir.Node;

/** Kernels of the data-movement ops (views need none: they run no code; Range always folds). */
final class ShapeKernels {
    private ShapeKernels() {
    }

    static void register(JavaKernels k) {
        k.add("", "Transpose", new TransposeKernel());
        k.add("", "Slice", new SliceKernel());
        k.add("", "Concat", new ConcatKernel());
        k.add("", "Gather", new GatherKernel());
        k.add("", "Split", new SplitKernel());
        k.add("", "Expand", new ExpandKernel());
        k.add("", "Tile", new TileKernel());
        k.add("", "Pad", new PadKernel());
        k.add("", "ScatterND", new ScatterNDKernel());
        k.add("", "DepthToSpace", new BlockRearrangeKernel());
        k.add(Node.KILN_DOMAIN, "DepthToSpace", new BlockRearrangeKernel());
        k.add("", "SpaceToDepth", new BlockRearrangeKernel());
    }
}
