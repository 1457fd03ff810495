package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.java.kernels.ChannelsLastPoolKernel;
import dev.kiln.compiler.ir.Node;

/**
 * Kiln's channels-last MaxPool and AveragePool, {@link ChannelsLastPoolKernel}'s loops
 * with each position's channels a vector at a time (the channels after the last whole
 * vector one at a time). The accumulators stay in the output array, loaded and stored
 * once per tap: no vector lives across the window's loops, whose trip counts vary by
 * position (C2 on JDK 17 boxes vectors carried through such loops), and the C values of
 * a position are in the first-level cache. MaxPool keeps an accumulator unless the tap's
 * value is greater, so a NaN never wins, as in the scalar kernel.
 */
public final class VectorPoolKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        return new String[] {"x"};
    }

    @Override
    public String vectorScope(String op) {
        return "float, " + ElementwiseLoop.MIN_ELEMENTS + " outputs or more";
    }

    /** Only pools large enough to be compiled by C2 (see {@link ElementwiseLoop#MIN_ELEMENTS}). */
    @Override
    public boolean handles(Node node) {
        return node.output().type().size() >= ElementwiseLoop.MIN_ELEMENTS;
    }

    @Override
    public void emit(KernelWriter w) {
        ChannelsLastPoolKernel.emit(w, new WholeVectors(w.lanes()));
    }

    /** The channels up to the last whole vector as vectors, the rest one at a time. */
    private static final class WholeVectors implements ChannelsLastPoolKernel.ChannelLoops {
        private final int lanes;

        WholeVectors(int lanes) {
            this.lanes = lanes;
        }

        @Override
        public void start(CodeBlock.Builder k, boolean max, long channels) {
            vectors(k, channels, CodeBlock.of("$T.broadcast(S, $L).intoArray(y, yp + c);\n", Vectors.FLOAT_VECTOR,
                    max ? "Float.NEGATIVE_INFINITY" : "0f"));
            rest(channels).start(k, max, channels);
        }

        @Override
        public void update(CodeBlock.Builder k, boolean max, long channels) {
            CodeBlock.Builder body = CodeBlock.builder()
                    .addStatement("$T v = $T.fromArray(S, x, xp + c)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR)
                    .addStatement("$T a = $T.fromArray(S, y, yp + c)", Vectors.FLOAT_VECTOR, Vectors.FLOAT_VECTOR);
            if (max) {
                body.addStatement("a.blend(v, v.compare($T.GT, a)).intoArray(y, yp + c)", Vectors.OPERATORS);
            } else {
                body.addStatement("a.add(v).intoArray(y, yp + c)");
            }
            vectors(k, channels, body.build());
            rest(channels).update(k, max, channels);
        }

        @Override
        public void divide(CodeBlock.Builder k, long channels) {
            vectors(k, channels, CodeBlock.of("$T.fromArray(S, y, yp + c).div(count).intoArray(y, yp + c);\n",
                    Vectors.FLOAT_VECTOR));
            rest(channels).divide(k, channels);
        }

        private long whole(long channels) {
            return channels / lanes * lanes;
        }

        /** The channels after the last whole vector. */
        private ChannelsLastPoolKernel.ChannelLoops rest(long channels) {
            return new ChannelsLastPoolKernel.OneAtATime(whole(channels));
        }

        private void vectors(CodeBlock.Builder k, long channels, CodeBlock body) {
            if (whole(channels) > 0) {
                k.beginControlFlow("for (int c = 0; c < $L; c += L)", whole(channels));
                k.add(body);
                k.endControlFlow();
            }
        }
    }
}
