package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.ConcatKernel;
import dev.kiln.codegen.java.kernels.GatherKernel;
import dev.kiln.codegen.java.kernels.SliceKernel;
import dev.kiln.codegen.java.kernels.TransposeKernel;

/** Kernels of the data-movement ops (views need none: they run no code). */
final class ShapeKernels {
    private ShapeKernels() {
    }

    static void register(JavaKernels k) {
        k.add("", "Transpose", new TransposeKernel());
        k.add("", "Slice", new SliceKernel());
        k.add("", "Concat", new ConcatKernel());
        k.add("", "Gather", new GatherKernel());
    }
}
