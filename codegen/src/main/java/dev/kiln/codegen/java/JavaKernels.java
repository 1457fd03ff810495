package dev.kiln.codegen.java;

import dev.kiln.codegen.java.kernels.BinaryKernel;
import dev.kiln.codegen.java.kernels.ConcatKernel;
import dev.kiln.codegen.java.kernels.ConvKernel;
import dev.kiln.codegen.java.kernels.ConvTransposeKernel;
import dev.kiln.codegen.java.kernels.GatherKernel;
import dev.kiln.codegen.java.kernels.GemmKernel;
import dev.kiln.codegen.java.kernels.GlobalPoolKernel;
import dev.kiln.codegen.java.kernels.MatMulKernel;
import dev.kiln.codegen.java.kernels.NormalizationKernel;
import dev.kiln.codegen.java.kernels.ReduceKernel;
import dev.kiln.codegen.java.kernels.SliceKernel;
import dev.kiln.codegen.java.kernels.SoftmaxKernel;
import dev.kiln.codegen.java.kernels.TransposeKernel;
import dev.kiln.codegen.java.kernels.UnaryKernel;
import dev.kiln.compiler.ir.Node;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The Java back end's kernel for each op it can run. */
public final class JavaKernels {
    private final Map<String, JavaKernel> kernels = new HashMap<>();

    public JavaKernels() {
        for (String op : BinaryKernel.OPS) {
            add("", op, new BinaryKernel());
        }
        for (String op : UnaryKernel.OPS) {
            add("", op, new UnaryKernel());
        }
        add("", "Conv", new ConvKernel());
        add(Node.KILN_DOMAIN, "FusedConv", new ConvKernel());
        add("", "ConvTranspose", new ConvTransposeKernel());
        add("", "MatMul", new MatMulKernel());
        add("", "Gemm", new GemmKernel());
        add("", "Softmax", new SoftmaxKernel());
        add("", "Transpose", new TransposeKernel());
        add("", "Slice", new SliceKernel());
        add("", "Concat", new ConcatKernel());
        add("", "Gather", new GatherKernel());
        add("", "GlobalAveragePool", new GlobalPoolKernel());
        add("", "ReduceMean", new ReduceKernel());
        for (String op : Set.of("BatchNormalization", "InstanceNormalization", "LayerNormalization",
                "GroupNormalization")) {
            add("", op, new NormalizationKernel());
        }
    }

    private void add(String domain, String op, JavaKernel kernel) {
        kernels.put(domain + ":" + op, kernel);
    }

    /** The kernel for this node's op, or null if the Java back end cannot run it. */
    public JavaKernel find(Node node) {
        return kernels.get(node.domain() + ":" + node.opType());
    }
}
