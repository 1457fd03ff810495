package dev.kiln.codegen;

import com.sun.management.ThreadMXBean;
import dev.kiln.compiler.InputBindings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link GeneratedCodeContractTest}'s steady-state check: compiles a fixture
 * with the tests' back end ({@code -Dkiln.test.target}), javac in process, loads it and calls
 * {@code run(float[], float[])} in rounds of 10 until a round allocates nothing on any thread,
 * for at most 3 minutes, once per thread count given. It prints one line per thread count,
 * {@code threads T: N runs, B bytes in the last 10, max |kiln - pytorch| D}.
 *
 * <p>A JVM of its own, as a user's application or {@code kiln bench} gives a model. The vector
 * back end does not pass this on JDK 17 every time: in 6 JVMs of 9, the tiny LowFormer kept
 * allocating after up to 30,000 runs (5 of them 200,704 bytes per run: one 8-lane vector for
 * each of the 3,136 vectors of one GELU convolution's output). The same happens without javac
 * in the JVM (the classes compiled beforehand: 2 JVMs of 5 when another process kept one core
 * busy during the warm-up, on 17.0.15 and on 17.0.21), and there JFR shows compiled kernels
 * calling the Vector API's Java fallback ({@code VectorSupport.load}, {@code broadcastCoerced},
 * {@code ternaryOp}) instead of its intrinsics. Temurin 25 passed 4 runs of 4 (about 2,800 runs
 * to a steady state at 1 thread, then 20 at 2). {@code -Dprobe.seconds=N} shortens the wait.
 */
final class AllocationProbe {
    private AllocationProbe() {
    }

    public static void main(String[] args) throws Throwable {
        String stem = args[0];
        GeneratedModel model = KilnRunner.generate(Fixtures.model(stem), new InputBindings());
        InProcessJavac.Classes classes = InProcessJavac.compileClasses(model.sources(),
                AllocationProbe.class.getClassLoader(), model.backend().javacOptions());
        Class<?> type = classes.loader().loadClass(model.qualifiedName());
        ByteArrayOutputStream weights = new ByteArrayOutputStream();
        model.writeWeights(weights);
        Object instance = type.getMethod("load", InputStream.class).invoke(null,
                new ByteArrayInputStream(weights.toByteArray()));
        MethodHandle run = MethodHandles.publicLookup()
                .findVirtual(type, "run", MethodType.methodType(void.class, float[].class, float[].class))
                .asType(MethodType.methodType(void.class, Object.class, float[].class, float[].class));
        float[] input = Fixtures.input(stem);
        float[] expected = Fixtures.pytorchOutput(stem);
        float[] output = new float[expected.length];
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int a = 1; a < args.length; a++) {
            int threadCount = Integer.parseInt(args[a]);
            type.getMethod("setThreads", int.class).invoke(instance, threadCount);
            long allocated = Long.MAX_VALUE;
            int runs = 0;
            long deadline = System.nanoTime() + Long.getLong("probe.seconds", 180) * 1_000_000_000L;
            while (allocated >= 1024 && System.nanoTime() < deadline) {
                // All threads: the pool's workers run parts of each step.
                long[] ids = threads.getAllThreadIds();
                long[] before = threads.getThreadAllocatedBytes(ids);
                for (int i = 0; i < 10; i++) {
                    run.invokeExact(instance, input, output);
                }
                long[] after = threads.getThreadAllocatedBytes(ids);
                allocated = 0;
                for (int t = 0; t < ids.length; t++) {
                    allocated += before[t] < 0 || after[t] < 0 ? 0 : after[t] - before[t];
                }
                runs += 10;
            }
            double error = 0;
            for (int i = 0; i < expected.length; i++) {
                error = Math.max(error, Math.abs(output[i] - expected[i]));
            }
            System.out.println("threads " + threadCount + ": " + runs + " runs, " + allocated + " bytes in the last 10, "
                    + "max |kiln - pytorch| " + error);
        }
    }
}
