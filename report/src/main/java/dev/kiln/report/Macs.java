package dev.kiln.report;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.ops.Gemm;

/**
 * Multiply-accumulates of one node, by the rule model tables use: a convolution
 * costs (input channels per group x kernel size) per output element, a transposed
 * convolution (output channels per group x kernel size) per input element, a matrix
 * product K per output element. Biases, normalisations, activations, softmax,
 * pooling and element-wise arithmetic count 0.
 */
final class Macs {
    private Macs() {
    }

    static long of(Node n) {
        boolean fusedConv = n.opType().equals(FusedConv.OP_TYPE) && n.domain().equals(Node.KILN_DOMAIN);
        if (n.is("Conv") || fusedConv) {
            TensorType w = n.input(1).type();
            return n.output().type().size() * (w.size() / w.dim(0));
        }
        if (n.is("ConvTranspose")) {
            TensorType w = n.input(1).type();
            return n.input(0).type().size() * (w.size() / w.dim(0));
        }
        if (n.is("MatMul")) {
            TensorType a = n.input(0).type();
            return n.output().type().size() * a.dim(a.rank() - 1);
        }
        if (n.is("Gemm")) {
            Gemm.Params p = Gemm.params(n);
            return (long) p.m() * p.n() * p.k();
        }
        return 0;
    }
}
