package dev.kiln.compiler.ops;

/** Convolution, matrix products, normalisation, softmax and pooling; and Kiln's fused ops. */
final class NeuralOps {
    private NeuralOps() {
    }

    static void register(OpRegistry r) {
        r.add(new Conv());
        r.add(new ConvTranspose());
        r.add(new FusedConv());
        r.add(new Attention());
        r.add(new MatMul());
        r.add(new Gemm());
        r.add(new Normalization.BatchNormalization());
        r.add(new Normalization.InstanceNormalization());
        r.add(new Normalization.LayerNormalization());
        r.add(new Normalization.GroupNormalization());
        r.add(new Normalization.ChannelsLastGroupNormalization());
        r.add(new Softmax("Softmax"));
        r.add(new GlobalPool("GlobalAveragePool"));
        r.add(new Dropout());
        r.add(new Softmax("LogSoftmax"));
        r.add(new Pool("AveragePool"));
        r.add(new Pool("MaxPool"));
        r.add(new Pool.ChannelsLast("AveragePool"));
        r.add(new Pool.ChannelsLast("MaxPool"));
        r.add(new Resize());
        r.add(new Einsum());
    }
}
