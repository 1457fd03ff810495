package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 11: one generated instance shared by 8 threads, 1,000 calls each, while the threads
 * keep changing its {@code setThreads} (1 to 4), gives for every call the bits that a
 * single-threaded call gives for the same input. Each call's input is one of several, so
 * a call that read another thread's scratch memory would show.
 */
class SharedInstanceConcurrencyTest {
    private static final int CALLERS = 8;
    private static final int CALLS = 1000;
    private static final int INPUTS = 5;

    /** A 3x3 convolution (big enough that its step is split over the worker pool), Relu, Softmax. */
    private static OnnxGraph model() {
        return new OnnxGraph(13)
                .input("x", new Tensor(new TensorType(ElementType.FLOAT, 1, 4, 16, 16), new float[4 * 16 * 16]))
                .initializer("w", floats(1, 8, 4, 3, 3)).initializer("b", floats(2, 8))
                .node("Conv", "x,w,b", "c", OnnxModelBuilder.attr("pads", 1, 1, 1, 1))
                .node("Relu", "c", "r")
                .node("Softmax", "r", "y", OnnxModelBuilder.attr("axis", 1L))
                .output("y", ElementType.FLOAT);
    }

    private static Tensor floats(long seed, long... dims) {
        TensorType t = new TensorType(ElementType.FLOAT, dims);
        return new Tensor(t, OnnxModelBuilder.random(seed, t.intSize(), 0.5f));
    }

    @Test
    void eightThreadsMixingThreadCountsGetSingleThreadedBits() throws Exception {
        LoadedModel model = LoadedModel.of(KilnOptions.defaults().backend().generate(KilnRunner.compile(model().model()),
                GenerateOptions.defaults("shared")));
        float[][] inputs = new float[INPUTS][];
        float[][] expected = new float[INPUTS][];
        model.setThreads(1);
        for (int i = 0; i < INPUTS; i++) {
            inputs[i] = OnnxModelBuilder.random(100 + i, 4 * 16 * 16, 3f);
            expected[i] = (float[]) model.run((Object) inputs[i])[0];
        }

        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger mismatches = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < CALLERS; t++) {
                int caller = t;
                done.add(callers.submit(() -> {
                    start.await();
                    for (int call = 0; call < CALLS; call++) {
                        if (call % 7 == caller % 7) {
                            model.setThreads(1 + (call + caller) % 4);
                        }
                        int which = (call * 3 + caller) % INPUTS;
                        float[] y = (float[]) model.run((Object) inputs[which])[0];
                        if (!Arrays.equals(expected[which], y)) {
                            mismatches.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            callers.shutdownNow();
        }
        assertEquals(0, mismatches.get(), "calls whose output differs from the single-threaded one, of "
                + CALLERS * CALLS);
    }
}
