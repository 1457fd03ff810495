package dev.kiln.codegen;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A generated model compiled in process and instantiated with its weights, driven
 * through the generated class's public API by reflection. What {@code kiln run},
 * the conformance runner and the tests use. {@link #close()} releases what the model
 * holds beyond the heap (an OpenCL model's device memory).
 */
public final class LoadedModel implements AutoCloseable {
    private static final long IN_MEMORY_WEIGHTS = 1L << 30;

    private final Object instance;
    private final Method run;
    private final Method setThreads;

    private LoadedModel(Object instance) throws NoSuchMethodException {
        this.instance = instance;
        this.run = instance.getClass().getMethod("run", Object[].class);
        this.setThreads = instance.getClass().getMethod("setThreads", int.class);
    }

    /** Compiles the sources with javac in this process and loads the weights. */
    public static LoadedModel of(GeneratedModel model) {
        ClassLoader loader = InProcessJavac.compile(model.sources(), LoadedModel.class.getClassLoader(),
                model.backend().javacOptions());
        try {
            Class<?> type = loader.loadClass(model.qualifiedName());
            Method load = type.getMethod("load", InputStream.class);
            Object instance;
            if (model.weightBytes() < IN_MEMORY_WEIGHTS) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) model.weightBytes());
                model.writeWeights(bytes);
                instance = load.invoke(null, new ByteArrayInputStream(bytes.toByteArray()));
            } else {
                Path tmp = Files.createTempFile("kiln-", ".weights");
                try {
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        model.writeWeights(out);
                    }
                    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(tmp), 1 << 16)) {
                        instance = load.invoke(null, in);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
            return new LoadedModel(instance);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class is not as expected: " + e, e);
        }
    }

    /** Runs the model: inputs and outputs are flat Java arrays, in graph order. */
    public Object[] run(Object... inputs) {
        try {
            return (Object[]) run.invoke(instance, (Object) inputs);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    public void setThreads(int threads) {
        try {
            setThreads.invoke(instance, threads);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The debug build's nanoseconds per kernel step, summed over every run since load or
     * {@link #resetStepNanos()} (see {@code GenerateOptions.instrumented}).
     *
     * @throws IllegalStateException for a normal build
     */
    public long[] stepNanos() {
        return (long[]) invokeDebug("stepNanos", new Class<?>[0]);
    }

    /** Sets the debug build's step times to 0. */
    public void resetStepNanos() {
        invokeDebug("resetStepNanos", new Class<?>[0]);
    }

    /**
     * Runs the debug build and returns every value a step wrote, by name in step order, in
     * Kiln's layout (see {@code intermediates} in the generated class).
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> intermediates(Object... inputs) {
        return (Map<String, Object>) invokeDebug("intermediates", new Class<?>[] {Object[].class}, (Object) inputs);
    }

    private Object invokeDebug(String name, Class<?>[] parameters, Object... arguments) {
        Method m;
        try {
            m = instance.getClass().getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(instance.getClass().getName() + " is not a debug build: generate it with "
                    + "the instrumented option (kiln compile --instrumented) to get " + name + "()");
        }
        try {
            return m.invoke(instance, arguments);
        } catch (InvocationTargetException e) {
            throw rethrow(e);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes the model if its class has {@code close()} (the OpenCL host class does). */
    @Override
    public void close() {
        if (instance instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The generated model instance, for callers that use its API directly. */
    public Object instance() {
        return instance;
    }

    private static RuntimeException rethrow(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException r) {
            return r;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(cause);
    }
}
