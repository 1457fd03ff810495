package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.ArgMaxKernel;
import dev.kiln.codegen.java.kernels.ReduceKernel;
import dev.kiln.codegen.java.kernels.TopKKernel;

/** Kernels of the Reduce* ops, ArgMax and TopK. */
final class ReductionKernels {
    private ReductionKernels() {
    }

    static void register(JavaKernels k) {
        for (String op : new String[] {"ReduceMean", "ReduceSum", "ReduceMax"}) {
            k.add("", op, new ReduceKernel());
        }
        k.add("", "ArgMax", new ArgMaxKernel());
        k.add("", "TopK", new TopKKernel());
    }
}
