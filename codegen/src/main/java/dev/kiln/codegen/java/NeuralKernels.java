package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.AttentionKernel;
import dev.kiln.codegen.java.kernels.ChannelsLastPoolKernel;
import dev.kiln.codegen.java.kernels.ConvKernel;
import dev.kiln.codegen.java.kernels.ConvTransposeKernel;
import dev.kiln.codegen.java.kernels.EinsumKernel;
import dev.kiln.codegen.java.kernels.GemmKernel;
import dev.kiln.codegen.java.kernels.GlobalPoolKernel;
import dev.kiln.codegen.java.kernels.MatMulKernel;
import dev.kiln.codegen.java.kernels.NormalizationKernel;
import dev.kiln.codegen.java.kernels.PoolKernel;
import dev.kiln.codegen.java.kernels.ResizeKernel;
import dev.kiln.codegen.java.kernels.SoftmaxKernel;
import dev.kiln.compiler.ir.Node;

/** Kernels of convolution, matrix products, attention, normalisation, softmax and pooling. */
final class NeuralKernels {
    private NeuralKernels() {
    }

    static void register(JavaKernels k) {
        k.add("", "Conv", new ConvKernel());
        k.add(Node.KILN_DOMAIN, "FusedConv", new ConvKernel());
        k.add(Node.KILN_DOMAIN, "Attention", new AttentionKernel());
        k.add(Node.KILN_DOMAIN, "GroupNormalization", new NormalizationKernel());
        k.add("", "ConvTranspose", new ConvTransposeKernel());
        k.add("", "MatMul", new MatMulKernel());
        k.add("", "Gemm", new GemmKernel());
        k.add("", "Softmax", new SoftmaxKernel());
        k.add("", "GlobalAveragePool", new GlobalPoolKernel());
        for (String op : new String[] {"BatchNormalization", "InstanceNormalization", "LayerNormalization",
            "GroupNormalization"}) {
            k.add("", op, new NormalizationKernel());
        }
        k.add("", "LogSoftmax", new SoftmaxKernel());
        k.add("", "AveragePool", new PoolKernel());
        k.add("", "MaxPool", new PoolKernel());
        k.add(Node.KILN_DOMAIN, "AveragePool", new ChannelsLastPoolKernel());
        k.add(Node.KILN_DOMAIN, "MaxPool", new ChannelsLastPoolKernel());
        k.add("", "Resize", new ResizeKernel());
        k.add("", "Einsum", new EinsumKernel());
    }
}
