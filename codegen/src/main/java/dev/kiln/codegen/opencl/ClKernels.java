package dev.kiln.codegen.opencl;

import dev.kiln.codegen.opencl.kernels.ArgMaxKernel;
import dev.kiln.codegen.opencl.kernels.AttentionKernel;
import dev.kiln.codegen.opencl.kernels.BinaryKernel;
import dev.kiln.codegen.opencl.kernels.CastKernel;
import dev.kiln.codegen.opencl.kernels.ClipKernel;
import dev.kiln.codegen.opencl.kernels.ConcatKernel;
import dev.kiln.codegen.opencl.kernels.ConvKernel;
import dev.kiln.codegen.opencl.kernels.ConvTransposeKernel;
import dev.kiln.codegen.opencl.kernels.CopyKernel;
import dev.kiln.codegen.opencl.kernels.EinsumKernel;
import dev.kiln.codegen.opencl.kernels.GatherKernel;
import dev.kiln.codegen.opencl.kernels.GemmKernel;
import dev.kiln.codegen.opencl.kernels.GlobalPoolKernel;
import dev.kiln.codegen.opencl.kernels.MatMulKernel;
import dev.kiln.codegen.opencl.kernels.NormalizationKernel;
import dev.kiln.codegen.opencl.kernels.PReluKernel;
import dev.kiln.codegen.opencl.kernels.PadKernel;
import dev.kiln.codegen.opencl.kernels.PoolKernel;
import dev.kiln.codegen.opencl.kernels.ReduceKernel;
import dev.kiln.codegen.opencl.kernels.ResizeKernel;
import dev.kiln.codegen.opencl.kernels.ScatterNDKernel;
import dev.kiln.codegen.opencl.kernels.SoftmaxKernel;
import dev.kiln.codegen.opencl.kernels.SplitKernel;
import dev.kiln.codegen.opencl.kernels.TopKKernel;
import dev.kiln.codegen.opencl.kernels.UnaryKernel;
import dev.kiln.codegen.opencl.kernels.VariadicKernel;
import dev.kiln.codegen.opencl.kernels.WhereKernel;
import dev.kiln.compiler.ir.Node;
import java.util.HashMap;
import java.util.Map;

/** The OpenCL kernel of each op the {@code opencl} back end runs. */
final class ClKernels {
    private final Map<String, ClKernel> kernels = new HashMap<>();

    ClKernels() {
        // Element-wise
        BinaryKernel.OPS.forEach(op -> add("", op, new BinaryKernel()));
        UnaryKernel.OPS.forEach(op -> add("", op, new UnaryKernel()));
        VariadicKernel.OPS.forEach(op -> add("", op, new VariadicKernel()));
        CastKernel.OPS.forEach(op -> add("", op, new CastKernel()));
        add("", "PRelu", new PReluKernel());
        add("", "Where", new WhereKernel());
        add("", "Clip", new ClipKernel());
        // Convolution, matrix products, attention, normalisation, softmax, pooling
        add("", "Conv", new ConvKernel());
        add(Node.KILN_DOMAIN, "FusedConv", new ConvKernel());
        add("", "ConvTranspose", new ConvTransposeKernel());
        add("", "MatMul", new MatMulKernel());
        add("", "Gemm", new GemmKernel());
        add(Node.KILN_DOMAIN, "Attention", new AttentionKernel());
        add("", "Softmax", new SoftmaxKernel());
        add("", "LogSoftmax", new SoftmaxKernel());
        for (String op : NormalizationKernel.OPS) {
            add("", op, new NormalizationKernel());
        }
        add("", "GlobalAveragePool", new GlobalPoolKernel());
        add("", "AveragePool", new PoolKernel());
        add("", "MaxPool", new PoolKernel());
        // Data movement
        CopyKernel.OPS.forEach(op -> add("", op, new CopyKernel()));
        add("", "Concat", new ConcatKernel());
        add("", "Split", new SplitKernel());
        add("", "Gather", new GatherKernel());
        add("", "Pad", new PadKernel());
        add("", "ScatterND", new ScatterNDKernel());
        // Reductions and resampling
        ReduceKernel.OPS.forEach(op -> add("", op, new ReduceKernel()));
        add("", "ArgMax", new ArgMaxKernel());
        add("", "TopK", new TopKKernel());
        add("", "Resize", new ResizeKernel());
        add("", "Einsum", new EinsumKernel());
    }

    private void add(String domain, String op, ClKernel kernel) {
        if (kernels.put(domain + ":" + op, kernel) != null) {
            throw new IllegalStateException("kernel for " + domain + ":" + op + " registered twice");
        }
    }

    boolean has(String domain, String op) {
        return kernels.containsKey(domain + ":" + op);
    }

    /** The kernel for this node's op, or null if there is none. */
    ClKernel find(Node node) {
        return kernels.get(node.domain() + ":" + node.opType());
    }
}
