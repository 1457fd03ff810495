package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.BinaryKernel;
import dev.kiln.codegen.java.kernels.PReluKernel;
import dev.kiln.codegen.java.kernels.UnaryKernel;

/** Kernels of the element-wise ops. */
final class ElementwiseKernels {
    private ElementwiseKernels() {
    }

    static void register(JavaKernels k) {
        for (String op : BinaryKernel.OPS) {
            k.add("", op, new BinaryKernel());
        }
        for (String op : UnaryKernel.OPS) {
            k.add("", op, new UnaryKernel());
        }
        k.add("", "PRelu", new PReluKernel()); // ops-unary
    }
}
