package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Normalization;
import java.util.List;

/**
 * Folds an inference BatchNormalization into the convolution before it:
 * {@code W' = W * s}, {@code B' = (B - mean) * s + beta} with
 * {@code s = scale / sqrt(var + eps)} per output channel. Needs constant weights
 * and statistics, and a convolution read by nothing else.
 */
public final class FoldBatchNorm extends RewritePass {
    @Override
    public String name() {
        return "fold-batchnorm";
    }

    @Override
    public String description() {
        return "Conv followed by BatchNormalization becomes one Conv with adjusted weights";
    }


    @Override
    protected Rewrite match(Node conv, Match m) {
        if (!conv.is("Conv") || !conv.input(1).isConstant()
                || (conv.input(2) != null && !conv.input(2).isConstant())) {
            return null;
        }
        Node bn = m.onlyReader(conv.output(), "BatchNormalization");
        if (bn == null || bn.input(0) != conv.output() || bn.outputs().size() > 1 && bn.output(1) != null) {
            return null;
        }
        boolean constants = true;
        for (int i = 1; i <= 4; i++) {
            constants &= bn.input(i).isConstant();
        }
        if (!constants) {
            return null;
        }
        Tensor w = conv.input(1).constant();
        int channels = (int) w.type().dim(0);
        int perChannel = w.size() / channels;
        double eps = Normalization.epsilon(bn);
        double[] weights = w.toDoubles();
        double[] bias = new double[channels];
        Tensor scale = bn.input(1).constant();
        Tensor beta = bn.input(2).constant();
        Tensor mean = bn.input(3).constant();
        Tensor var = bn.input(4).constant();
        for (int c = 0; c < channels; c++) {
            double s = scale.getDouble(c) / Math.sqrt(var.getDouble(c) + eps);
            for (int i = 0; i < perChannel; i++) {
                weights[c * perChannel + i] *= s;
            }
            double b = conv.input(2) == null ? 0 : conv.input(2).constant().getDouble(c);
            bias[c] = (b - mean.getDouble(c)) * s + beta.getDouble(c);
        }
        String base = conv.output().name();
        Value newW = Value.constant(base + "_w_bn", Tensor.fromDoubles(w.type(), weights));
        Value newB = Value.constant(base + "_b_bn",
                Tensor.fromDoubles(new TensorType(w.elementType(), channels), bias));
        Node folded = new Node("Conv", "", conv.name(), conv.opset(), conv.attributes().copy(),
                List.of(conv.input(0), newW, newB), List.of(bn.output()));
        return new Rewrite(List.of(conv, bn), bn, folded);
    }
}
