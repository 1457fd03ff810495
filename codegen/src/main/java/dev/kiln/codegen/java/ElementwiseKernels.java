package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.BinaryKernel;
import dev.kiln.codegen.java.kernels.CastKernel;
import dev.kiln.codegen.java.kernels.ClipKernel;
import dev.kiln.codegen.java.kernels.PReluKernel;
import dev.kiln.codegen.java.kernels.UnaryKernel;
import dev.kiln.codegen.java.kernels.VariadicKernel;
import dev.kiln.codegen.java.kernels.WhereKernel;

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
        k.add("", "PRelu", new PReluKernel());

        // Variadic, selection and casts (the ops-binary family; its two-input ops are in BinaryKernel.OPS).
        for (String op : VariadicKernel.OPS) {
            k.add("", op, new VariadicKernel());
        }
        k.add("", "Where", new WhereKernel());
        k.add("", "Clip", new ClipKernel());
        for (String op : CastKernel.OPS) {
            k.add("", op, new CastKernel());
        }
    }
}
