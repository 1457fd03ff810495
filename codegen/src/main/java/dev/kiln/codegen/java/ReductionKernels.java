package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.ReduceKernel;

/** Kernels of the Reduce* ops. */
final class ReductionKernels {
    private ReductionKernels() {
    }

    static void register(JavaKernels k) {
        k.add("", "ReduceMean", new ReduceKernel());
    }
}
