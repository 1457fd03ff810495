package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.OnnxImporter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The OpenCL host class's contract: the Java back end's API, thread safety by a lock,
 * {@code close()}, device choice by argument and system property, and clear errors for
 * bad input found on the device, a stale program, a program the device's compiler
 * rejects, a device without enough memory, and a machine without an OpenCL library,
 * platform or device (each in a JVM of its own).
 */
@Tag("opencl")
class OpenClHostContractTest {
    @BeforeEach
    void platform() {
        OpenClPlatform.require();
    }

    @Test
    void concurrentRunsGiveTheResultOfOneThread() throws Exception {
        String stem = "lowformer_tiny_op13";
        GeneratedModel g = Kiln.compile(Fixtures.model(stem), opencl());
        float[] input = Fixtures.input(stem);
        try (LoadedModel m = LoadedModel.of(g)) {
            float[] alone = (float[]) m.run(input)[0];
            assertTrue(Agreement.relativeError(alone, Fixtures.pytorchOutput(stem)) <= 1e-4);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> runs = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    runs.add(pool.submit(() -> (float[]) m.run(input)[0]));
                }
                for (Future<float[]> r : runs) {
                    assertArrayEquals(alone, r.get(), "a concurrent run differs from a run alone");
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void closeReleasesTheDeviceAndLaterRunsFail() throws Throwable {
        Compiled c = compile(relu(), "ReluModel");
        Object model = c.load(null);
        float[] out = (float[]) c.type.getMethod("run", float[].class).invoke(model, (Object) new float[] {-1, 2, -3, 4});
        assertArrayEquals(new float[] {0, 2, 0, 4}, out);
        c.type.getMethod("close").invoke(model);
        c.type.getMethod("close").invoke(model); // a second close does nothing
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> c.invoke(model, "run", new Class<?>[] {float[].class}, (Object) new float[4]));
        assertEquals("ReluModel is closed", e.getMessage());
    }

    @Test
    void wrongNumberOfInputsIsOneGrammaticalMessage() throws Throwable {
        Compiled c = compile(relu(), "ReluModel");
        Object model = c.load(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.invoke(model, "run",
                new Class<?>[] {Object[].class}, (Object) new Object[] {new float[4], new float[4]}));
        assertEquals("expected 1 input, got 2", e.getMessage());
        c.type.getMethod("close").invoke(model);
    }

    @Test
    void deviceIsChosenByArgumentOrSystemProperty() throws Throwable {
        Compiled c = compile(relu(), "ReluModel");
        Object cpu = c.load("cpu");
        String device = (String) c.type.getMethod("device").invoke(cpu);
        assertTrue(device.contains("(CPU, OpenCL C"), device);
        c.type.getMethod("close").invoke(cpu);

        RuntimeException none = assertThrows(RuntimeException.class, () -> c.load("no such device"));
        assertEquals("OpenClException", none.getClass().getSimpleName());
        assertTrue(none.getMessage().startsWith("ReluModel: no OpenCL device matches 'no such device'"), none.getMessage());
        assertTrue(none.getMessage().contains("0: "), "lists the devices: " + none.getMessage());

        String old = System.setProperty("kiln.opencl.device", "no such device either");
        try {
            RuntimeException e = assertThrows(RuntimeException.class, () -> c.load(null));
            assertTrue(e.getMessage().contains("'no such device either'"), e.getMessage());
        } finally {
            if (old == null) {
                System.clearProperty("kiln.opencl.device");
            } else {
                System.setProperty("kiln.opencl.device", old);
            }
        }
    }

    @Test
    void anIndexOutOfRangeOnTheDeviceFailsTheRunNamingTheNode() throws Throwable {
        OnnxGraph graph = new OnnxGraph(13)
                .input("data", Tensor.ofFloats(new long[] {3, 2}, new float[] {1, 2, 3, 4, 5, 6}))
                .input("indices", new Tensor(new TensorType(ElementType.INT64, 2), new long[] {2, -1}))
                .node("Gather", "data,indices", "y")
                .output("y", ElementType.FLOAT);
        Compiled c = compile(graph.model(), "GatherModel");
        Object model = c.load(null);
        Object[] good = (Object[]) c.invoke(model, "run", new Class<?>[] {Object[].class},
                (Object) new Object[] {new float[] {1, 2, 3, 4, 5, 6}, new long[] {2, -1}});
        assertArrayEquals(new float[] {5, 6, 5, 6}, (float[]) good[0]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.invoke(model, "run",
                new Class<?>[] {Object[].class}, (Object) new Object[] {new float[6], new long[] {0, 3}}));
        assertTrue(e.getMessage().contains("Gather") && e.getMessage().contains("out of range [-3, 3)"), e.getMessage());
        // the flags are cleared for the next run
        Object[] again = (Object[]) c.invoke(model, "run", new Class<?>[] {Object[].class},
                (Object) new Object[] {new float[] {1, 2, 3, 4, 5, 6}, new long[] {0, 1}});
        assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) again[0]);
        c.type.getMethod("close").invoke(model);
    }

    @Test
    void aProgramFromAnotherCompileIsRefused() throws Exception {
        GeneratedModel g = Kiln.compile(OnnxImporter.convert(relu(), "relu.onnx", null, null),
                opencl().withClassName("ReluModel"));
        Map<String, String> sources = new HashMap<>(g.sources());
        String cl = "kiln/generated/ReluModel.cl";
        sources.put(cl, sources.get(cl).replace("// Fingerprint: ", "// Fingerprint: 0"));
        Compiled c = new Compiled(g, InProcessJavac.compile(sources, getClass().getClassLoader(), g.backend().javacOptions())
                .loadClass(g.qualifiedName()));
        RuntimeException e = assertThrows(RuntimeException.class, () -> c.load(null));
        assertTrue(e.getMessage().contains("ReluModel.cl on the classpath was written by another compile"), e.getMessage());
    }

    @Test
    void aProgramTheDeviceCompilerRejectsIsAClearErrorWithTheBuildLog() throws Exception {
        GeneratedModel g = Kiln.compile(OnnxImporter.convert(relu(), "relu.onnx", null, null),
                opencl().withClassName("ReluModel"));
        Map<String, String> sources = new HashMap<>(g.sources());
        String cl = "kiln/generated/ReluModel.cl";
        sources.put(cl, sources.get(cl) + "\n__kernel void broken(__global float* y) {\n    y[0] = undeclared;\n}\n");
        Compiled c = new Compiled(g, InProcessJavac.compile(sources, getClass().getClassLoader(), g.backend().javacOptions())
                .loadClass(g.qualifiedName()));
        RuntimeException e = assertThrows(RuntimeException.class, () -> c.load(null));
        assertEquals("OpenClException", e.getClass().getSimpleName());
        assertTrue(e.getMessage().contains("rejected ReluModel.cl (CL_BUILD_PROGRAM_FAILURE), a Kiln bug: "), e.getMessage());
        assertTrue(e.getMessage().contains("undeclared"), "the first error line names the culprit: " + e.getMessage());
        assertTrue(e.getMessage().contains("\nThe build log:\n"), e.getMessage());
    }

    @Test
    void aModelLargerThanTheDeviceAllowsIsAClearErrorAtLoad() throws Exception {
        // 1.2e9 doubles: 9.6 GB in one activation buffer, more than PoCL allows per buffer (and most GPUs hold)
        OnnxGraph graph = new OnnxGraph(13)
                .input("x", new Tensor(new TensorType(ElementType.DOUBLE, 1), new double[] {1}))
                .initializer("shape", new Tensor(new TensorType(ElementType.INT64, 1), new long[] {1_200_000_000L}))
                .node("Expand", "x,shape", "y")
                .output("y", ElementType.DOUBLE);
        Compiled c = compile(graph.model(), "HugeModel");
        RuntimeException e = assertThrows(RuntimeException.class, () -> c.load(null));
        assertEquals("OpenClException", e.getClass().getSimpleName());
        assertTrue(e.getMessage().startsWith("HugeModel is out of device memory on "), e.getMessage());
        assertTrue(e.getMessage().contains("double activations needs 9156 MB"), e.getMessage());
    }

    @Test
    void noOpenClPlatformIsAClearErrorNotACrash() throws Exception {
        // The ICD loader finds no driver when OCL_ICD_VENDORS names an empty folder.
        Path empty = Files.createTempDirectory("no-icd");
        String out = loadInAnotherJvm(Map.of("OCL_ICD_VENDORS", empty.toString()));
        assertTrue(out.contains("OpenClException: ReluModel found no OpenCL platform"), out);
        assertTrue(out.contains("pocl-opencl-icd"), out);
    }

    @Test
    void aPlatformWithoutDevicesIsAClearErrorNotACrash() throws Exception {
        // PoCL enables only the drivers POCL_DEVICES names: with an unknown one, its platform has no device.
        String out = loadInAnotherJvm(Map.of("POCL_DEVICES", "no-such-driver"));
        assertTrue(out.contains("OpenClException: ReluModel found no OpenCL device: the platforms [Portable Computing "
                + "Language] have none"), out);
    }

    @Test
    void noOpenClLibraryIsAClearErrorNamingThePackage() throws Exception {
        // dlopen stops at the first libOpenCL.so on LD_LIBRARY_PATH: an empty file there is a loader that fails to load.
        Path lib = Files.createTempDirectory("no-libopencl");
        Files.createFile(lib.resolve("libOpenCL.so"));
        String out = loadInAnotherJvm(Map.of("LD_LIBRARY_PATH", lib.toString()));
        assertTrue(out.contains("OpenClException: ReluModel cannot load the OpenCL library: JOCL looks for libOpenCL.so, "
                + "which Debian and Ubuntu install with the package ocl-icd-opencl-dev"), out);
    }

    /** What {@link OpenClLoadProbe} prints in a JVM of its own with {@code env} added to its environment. */
    private static String loadInAnotherJvm(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), OpenClLoadProbe.class.getName())
                .redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    /** Loads a model in a JVM of its own and prints what happened: for the missing-platform test. */
    static final class OpenClLoadProbe {
        public static void main(String[] args) throws Exception {
            Compiled c = compile(relu(), "ReluModel");
            try {
                c.load(null);
                System.out.println("loaded");
            } catch (Throwable e) {
                System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    static KilnOptions opencl() {
        return KilnOptions.defaults().withTarget("opencl").withBindings(new InputBindings());
    }

    /** y = Relu(x), x float[4]. */
    static ModelProto relu() {
        return new OnnxGraph(13).input("x", Tensor.ofFloats(new long[] {4}, new float[4]))
                .node("Relu", "x", "y").output("y", ElementType.FLOAT).model();
    }

    static Compiled compile(ModelProto proto, String className) throws Exception {
        Model m = OnnxImporter.convert(proto, "test_model.onnx", null, null);
        GeneratedModel g = Kiln.compile(m, opencl().withClassName(className));
        return new Compiled(g, InProcessJavac.compile(g.sources(), OpenClHostContractTest.class.getClassLoader(),
                g.backend().javacOptions()).loadClass(g.qualifiedName()));
    }

    /** A compiled host class and its weights. */
    record Compiled(GeneratedModel generated, Class<?> type) {
        Object load(String device) throws Throwable {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                generated.writeWeights(bytes);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return invoke(null, "load", new Class<?>[] {InputStream.class, String.class},
                    new ByteArrayInputStream(bytes.toByteArray()), device);
        }

        Object invoke(Object target, String method, Class<?>[] types, Object... args) throws Throwable {
            try {
                return type.getMethod(method, types).invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
