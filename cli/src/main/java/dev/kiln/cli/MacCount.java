package dev.kiln.cli;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;

/**
 * Multiply-accumulates of one call of a compiled graph, by the rule of LowFormer's
 * paper (shared/lowformer/ARCHITECTURE.md): a convolution counts output elements x
 * input channels per group x kernel size, a ConvTranspose input elements x output
 * channels per group x kernel size, MatMul and Gemm output elements x the inner
 * dimension (which makes attention 2 * heads * L^2 * d); biases, norms, activations,
 * softmax and pooling count nothing. {@code kiln bench} divides 2 x MACs by the
 * latency for GFLOP/s.
 */
public final class MacCount {
    private MacCount() {
    }

    public static long of(Graph graph) {
        long macs = 0;
        for (Node n : graph.nodes()) {
            macs += of(n);
        }
        return macs;
    }

    public static long of(Node n) {
        return switch (n.opType()) {
            // FusedConv (dev.kiln) is a Conv with its epilogue: X and W are its first two inputs.
            case "Conv", "FusedConv" -> n.output().type().size() * perElement(n.input(1).type());
            // W is [C, M/group, k...]: each input element meets M/group x k weights.
            case "ConvTranspose" -> n.input(0).type().size() * perElement(n.input(1).type());
            case "MatMul" -> {
                TensorType a = n.input(0).type();
                yield n.output().type().size() * a.dim(a.rank() - 1);
            }
            case "Gemm" -> {
                TensorType a = n.input(0).type();
                boolean transA = n.attributes().getInt("transA", 0) != 0;
                yield n.output().type().size() * (transA ? a.dim(0) : a.dim(1));
            }
            default -> 0;
        };
    }

    /** A convolution weight [M, C/group, k1..kn] (ConvTranspose: [C, M/group, k...]): dim 1 x kernel size. */
    private static long perElement(TensorType w) {
        long p = w.dim(1);
        for (int i = 2; i < w.rank(); i++) {
            p *= w.dim(i);
        }
        return p;
    }
}
