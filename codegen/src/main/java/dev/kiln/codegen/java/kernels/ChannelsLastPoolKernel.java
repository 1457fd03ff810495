package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.IndexMath;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ops.Pool;

/**
 * Kiln's channels-last MaxPool and AveragePool on X [N, H, W, C], float. One work item
 * is one output row of one image. Each output position's C values are the accumulators:
 * they start at the lowest float (MaxPool) or zero (AveragePool), and every tap of the
 * window inside the input updates them in one pass over the tap's C contiguous inputs.
 * The window's taps inside the input are found once per position, as in {@link PoolKernel},
 * so no tap tests bounds; AveragePool then divides by {@link PoolKernel#divisor}.
 * MaxPool never takes a NaN, as {@link PoolKernel} (and ONNX Runtime's MaxPool with Indices).
 */
public final class ChannelsLastPoolKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    /**
     * The loops over one output position's channels {@code c}, with {@code y[yp + c]} its
     * accumulators and {@code x[xp + c]} the current tap's inputs.
     */
    public interface ChannelLoops {
        /** The accumulators start at the pool's starting value. */
        void start(CodeBlock.Builder k, boolean max, long channels);

        /** Each accumulator takes in the tap's input: the larger of the two (never a NaN), or the sum. */
        void update(CodeBlock.Builder k, boolean max, long channels);

        /** Each accumulator is divided by {@code count} (AveragePool). */
        void divide(CodeBlock.Builder k, long channels);
    }

    /**
     * The channels from {@code from} on, one at a time: all of them in this kernel, the ones
     * after the last whole vector in the vector back end's.
     */
    public static final class OneAtATime implements ChannelLoops {
        private final long from;

        public OneAtATime(long from) {
            this.from = from;
        }

        @Override
        public void start(CodeBlock.Builder k, boolean max, long channels) {
            loop(k, channels, CodeBlock.of("y[yp + c] = $L;\n", max ? "Float.NEGATIVE_INFINITY" : "0f"));
        }

        @Override
        public void update(CodeBlock.Builder k, boolean max, long channels) {
            loop(k, channels, max
                    ? CodeBlock.builder().addStatement("float v = x[xp + c]").beginControlFlow("if (v > y[yp + c])")
                            .addStatement("y[yp + c] = v").endControlFlow().build()
                    : CodeBlock.of("y[yp + c] += x[xp + c];\n"));
        }

        @Override
        public void divide(CodeBlock.Builder k, long channels) {
            loop(k, channels, CodeBlock.of("y[yp + c] /= count;\n"));
        }

        private void loop(CodeBlock.Builder k, long channels, CodeBlock body) {
            if (from < channels) {
                k.beginControlFlow("for (int c = $L; c < $L; c++)", from, channels);
                k.add(body);
                k.endControlFlow();
            }
        }
    }

    @Override
    public void emit(KernelWriter w) {
        emit(w, new OneAtATime(0));
    }

    /** Writes the kernel with {@code loops} over each position's channels. */
    public static void emit(KernelWriter w, ChannelLoops loops) {
        Pool.Params p = Pool.params(w.node());
        boolean max = w.node().opType().equals("MaxPool");
        long[] in = p.input();
        long[] out = p.output();
        long c = p.channels();
        long items = p.planes() * out[0];
        if (items == 0 || out[1] == 0 || c == 0) {
            return; // nothing to write
        }
        w.work((int) items);
        w.cost(p.planes() * out[0] * out[1] * c * p.kernel()[0] * p.kernel()[1]);
        CodeBlock.Builder k = w.code();
        k.beginControlFlow("for (int item = lo; item < hi; item++)");
        k.add("// Output row o0 of image item / $L.\n", out[0]);
        k.addStatement("int xb = xo + item / $L * $L", out[0], in[0] * in[1] * c);
        k.addStatement("int o0 = item % $L", out[0]);
        PoolKernel.windowBounds(k, p, 0);
        k.beginControlFlow("for (int o1 = 0; o1 < $L; o1++)", out[1]);
        PoolKernel.windowBounds(k, p, 1);
        k.addStatement("int yp = yo + (item * $L + o1) * $L", out[1], c);
        loops.start(k, max, c);
        k.beginControlFlow("for (int k0 = k0lo; k0 < k0hi; k0++)");
        k.beginControlFlow("for (int k1 = k1lo; k1 < k1hi; k1++)");
        k.addStatement("int xp = xb + ((s0 + $L) * $L + s1 + $L) * $L", IndexMath.scaled("k0", p.dilations()[0]), in[1],
                IndexMath.scaled("k1", p.dilations()[1]), c);
        loops.update(k, max, c);
        k.endControlFlow();
        k.endControlFlow();
        if (!max) {
            k.addStatement("float count = $L", PoolKernel.divisor(p));
            loops.divide(k, c);
        }
        k.endControlFlow();
        k.endControlFlow();
    }
}
