package dev.kiln.cli;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.InProcessJavac;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.plan.MemoryPlan;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model made ready for {@code kiln bench} the way a user gets it, each stage timed:
 * compiled by Kiln, its source compiled by javac (in process), its weight file written
 * and read back by the generated {@code load(Path)}. Runs the generated class through
 * {@code run(float[], float[])} (no allocation) when the model has one float input and
 * output, else through {@code run(Object...)}.
 */
final class BenchModel {
    final GeneratedModel generated;
    final double compileMs;
    final double javacMs;
    final double loadMs;
    private final MethodHandle setThreads;
    private final MethodHandle runInto;
    private final MethodHandle runObjects;
    private final float[] output;
    /** The OpenCL device the model runs on (the host class's {@code device()}), null for the Java back ends. */
    final String device;

    BenchModel(Path model, KilnOptions options) {
        long t0 = System.nanoTime();
        this.generated = ModelCompiler.compile(model, options);
        long t1 = System.nanoTime();
        ClassLoader loader = InProcessJavac.compile(generated.sources(), BenchModel.class.getClassLoader(),
                generated.backend().javacOptions());
        long t2 = System.nanoTime();
        this.compileMs = (t1 - t0) / 1e6;
        this.javacMs = (t2 - t1) / 1e6;
        Graph graph = generated.compilation().model().graph();
        Value out = graph.outputs().get(0);
        boolean simple = graph.inputs().size() == 1 && graph.inputs().get(0).type().elementType() == ElementType.FLOAT
                && graph.outputs().size() == 1 && out.type().elementType() == ElementType.FLOAT;
        this.output = simple ? new float[out.type().intSize()] : null;
        try {
            Class<?> type = loader.loadClass(generated.qualifiedName());
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle load = lookup.findStatic(type, "load", MethodType.methodType(type, Path.class));
            Path weights = Files.createTempFile("kiln-bench-", ".weights");
            Object instance;
            try {
                try (OutputStream o = Files.newOutputStream(weights)) {
                    generated.writeWeights(o);
                }
                long t3 = System.nanoTime();
                instance = load.invoke(weights);
                this.loadMs = (System.nanoTime() - t3) / 1e6;
            } finally {
                Files.deleteIfExists(weights);
            }
            this.setThreads = lookup.findVirtual(type, "setThreads", MethodType.methodType(void.class, int.class))
                    .bindTo(instance);
            this.runInto = simple ? lookup.findVirtual(type, "run",
                    MethodType.methodType(void.class, float[].class, float[].class)).bindTo(instance) : null;
            this.runObjects = lookup.findVirtual(type, "run", MethodType.methodType(Object[].class, Object[].class))
                    .bindTo(instance);
            this.device = hasDevice(type) ? (String) type.getMethod("device").invoke(instance) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("the generated class is not as expected: " + e, e);
        }
    }

    private static boolean hasDevice(Class<?> type) {
        try {
            return type.getMethod("device").getReturnType() == String.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /**
     * Whether calls go through a Java back end's {@code run(float[], float[])}, which allocates
     * nothing once compiled (the OpenCL host class's allocates JOCL's pointers on every call).
     */
    boolean runsIntoCallersArray() {
        return output != null && device == null;
    }

    Graph graph() {
        return generated.compilation().model().graph();
    }

    void setThreads(int threads) {
        try {
            setThreads.invokeExact(threads);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the model once on {@code data}, one array per run-time input. */
    void run(float[][] data) {
        try {
            if (runInto != null) {
                runInto.invokeExact(data[0], output);
            } else {
                Object[] ignored = (Object[]) runObjects.invokeExact((Object[]) data);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes of all arenas per calling thread, as planned. */
    long arenaBytes() {
        return generated.compilation().plan().arenaBytes();
    }

    /**
     * Bytes of every value a kernel writes into an arena, as if each had its own
     * array: what the arena would take without reusing memory of dead values.
     */
    long intermediateBytes() {
        MemoryPlan plan = generated.compilation().plan();
        long bytes = 0;
        for (Node n : plan.kernels()) {
            for (Value v : n.outputs()) {
                if (v != null && plan.location(v).kind() == MemoryPlan.Kind.ARENA) {
                    // The element size arenaBytes() uses, so the two figures compare.
                    bytes += v.type().size() * Math.max(4, plan.location(v).storage().bytes());
                }
            }
        }
        return bytes;
    }
}
