package dev.kiln.codegen.java;

import dev.kiln.codegen.java.vector.VectorActivationKernel;
import dev.kiln.codegen.java.vector.VectorAttentionKernel;
import dev.kiln.codegen.java.vector.VectorBinaryKernel;
import dev.kiln.codegen.java.vector.VectorFusedConvKernel;
import dev.kiln.codegen.java.vector.VectorGroupNormKernel;
import dev.kiln.codegen.java.vector.VectorMatrixKernel;
import dev.kiln.codegen.java.vector.VectorPoolKernel;
import dev.kiln.compiler.ir.Node;
import java.util.HashMap;
import java.util.Map;

/**
 * The Java back end's kernel for each op it can run, registered by family like
 * the ops themselves.
 */
public final class JavaKernels {
    private final Map<String, JavaKernel> kernels = new HashMap<>();

    private JavaKernels() {
    }

    /** The scalar kernels of every op the {@code java} back end runs. */
    public static JavaKernels scalar() {
        JavaKernels k = new JavaKernels();
        ElementwiseKernels.register(k);
        NeuralKernels.register(k);
        ReductionKernels.register(k);
        ShapeKernels.register(k);
        return k;
    }

    /** The Vector API kernels of the {@code vector} back end, for the ops that have one. */
    public static JavaKernels vector() {
        JavaKernels k = new JavaKernels();
        for (String op : VectorActivationKernel.OPS) {
            k.add("", op, new VectorActivationKernel());
        }
        for (String op : VectorBinaryKernel.OPS) {
            k.add("", op, new VectorBinaryKernel());
        }
        k.add(Node.KILN_DOMAIN, "FusedConv", new VectorFusedConvKernel());
        k.add(Node.KILN_DOMAIN, "Attention", new VectorAttentionKernel());
        k.add(Node.KILN_DOMAIN, "GroupNormalization", new VectorGroupNormKernel());
        k.add(Node.KILN_DOMAIN, "AveragePool", new VectorPoolKernel());
        k.add(Node.KILN_DOMAIN, "MaxPool", new VectorPoolKernel());
        k.add("", "MatMul", new VectorMatrixKernel());
        k.add("", "Gemm", new VectorMatrixKernel());
        return k;
    }

    void add(String domain, String op, JavaKernel kernel) {
        if (kernels.containsKey(domain + ":" + op)) {
            throw new IllegalStateException("kernel for " + domain + ":" + op + " registered twice");
        }
        kernels.put(domain + ":" + op, kernel);
    }

    /**
     * A copy of this table in which {@code op} of {@code domain} runs {@code kernel}: a back end that
     * differs from another in a few kernels (or a test's deliberately wrong one) is a
     * {@link JavaBackend} with such a table.
     */
    public JavaKernels withKernel(String domain, String op, JavaKernel kernel) {
        JavaKernels copy = new JavaKernels();
        copy.kernels.putAll(kernels);
        copy.kernels.put(domain + ":" + op, kernel);
        return copy;
    }

    /** Whether this table has a kernel for this op. */
    public boolean has(String domain, String op) {
        return kernels.containsKey(domain + ":" + op);
    }

    /** The kernel for this node's op, or null if this table has none. */
    public JavaKernel find(Node node) {
        return find(node.domain(), node.opType());
    }

    /** The kernel for this op, or null if this table has none. */
    public JavaKernel find(String domain, String op) {
        return kernels.get(domain + ":" + op);
    }
}
