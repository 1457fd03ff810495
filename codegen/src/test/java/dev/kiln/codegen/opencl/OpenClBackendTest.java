package dev.kiln.codegen.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.Backends;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.InProcessJavac;
import dev.kiln.codegen.Kiln;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.CompileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the opencl back end writes, checked without an OpenCL driver on the committed LowFormer fixture. */
class OpenClBackendTest {
    private static final Path FIXTURE = Path.of("..", "examples", "lowformer", "fixtures", "lowformer_tiny_op13.onnx");
    private static GeneratedModel model;
    private static String program;

    @BeforeAll
    static void generate() {
        model = Kiln.compile(FIXTURE, KilnOptions.defaults().withTarget("opencl"));
        program = model.sources().get("kiln/generated/LowformerTinyOp13.cl");
    }

    @Test
    void theOutputIsAHostClassItsProgramAndTheHostSupport() {
        assertEquals(List.of("kiln/generated/LowformerTinyOp13.cl", "kiln/generated/LowformerTinyOp13.java",
                "kiln/generated/OpenClException.java", "kiln/generated/OpenClSession.java"),
                List.copyOf(model.sources().keySet()));
        assertTrue(program.contains("// Fingerprint: " + model.fingerprint() + "\n"));
    }

    @Test
    void everyKernelIsCommentedWithItsNodesAndDeclaresItsWorkGroupSize() {
        Matcher kernel = Pattern.compile("\n((?:// [^\n]*\n)+)__kernel __attribute__\\(\\(reqd_work_group_size\\((\\d+), 1, 1\\)\\)\\)\n"
                + "void (\\w+)\\(").matcher(program);
        int kernels = 0;
        while (kernel.find()) {
            kernels++;
            String first = kernel.group(1).lines().findFirst().orElseThrow();
            assertTrue(first.matches("// (dev\\.kiln\\.)?\\w+ '[^']*': .* -> .*"), kernel.group());
        }
        assertEquals(model.stats().kernelMethods(), kernels);
        assertEquals(kernels, program.split("__kernel ", -1).length - 1, "every kernel matched");
        assertTrue(program.contains("// dev.kiln.FusedConv '/stem/stem.0/stem.0.0/Conv': float[1,3,224,224], float[8,3,3,3], "
                + "float[8] -> float[1,8,112,112]\n"), "the first kernel names its node");
    }

    @Test
    void theProgramKeepsFullPrecision() {
        for (String source : model.sources().values()) {
            assertFalse(source.contains("native_"), "no native_* functions");
            assertFalse(source.contains("fast-relaxed-math"), "no -cl-fast-relaxed-math");
            assertFalse(source.contains("mad("), "no mad(), which may round less exactly");
        }
        assertTrue(model.sources().get("kiln/generated/OpenClSession.java").contains("\"-cl-std=CL1.2\""));
    }

    @Test
    void theHostClassCompilesForJava8AgainstJoclAndTheRuntime() throws Exception {
        Class<?> host = InProcessJavac.compile(model.sources(), getClass().getClassLoader(), model.backend().javacOptions())
                .loadClass(model.qualifiedName());
        for (String method : new String[] {"load", "run", "setThreads", "threads", "close", "device"}) {
            assertTrue(java.util.Arrays.stream(host.getMethods()).anyMatch(m -> m.getName().equals(method)), method);
        }
        assertTrue(AutoCloseable.class.isAssignableFrom(host));
    }

    @Test
    void generationIsDeterministic() {
        GeneratedModel again = Kiln.compile(FIXTURE, KilnOptions.defaults().withTarget("opencl"));
        assertEquals(model.sources(), again.sources());
    }

    @Test
    void theProgramGoesBesideTheWeightsAsAResource(@TempDir Path dir) {
        model.writeTo(dir.resolve("java"), dir.resolve("resources"));
        assertTrue(Files.exists(dir.resolve("resources/kiln/generated/LowformerTinyOp13.cl")));
        assertTrue(Files.exists(dir.resolve("resources/kiln/generated/LowformerTinyOp13.weights")));
        assertTrue(Files.exists(dir.resolve("java/kiln/generated/LowformerTinyOp13.java")));
        assertTrue(Files.exists(dir.resolve("java/kiln/generated/OpenClSession.java")));
    }

    @Test
    void stringTensorsAreRefusedNamingTheOp() {
        Path equal = Path.of("..", "conformance", "onnx-node-tests", "test_equal_string", "model.onnx");
        CompileException e = assertThrows(CompileException.class, () -> Kiln.compile(equal,
                KilnOptions.defaults().withTarget("opencl")));
        assertTrue(e.getMessage().endsWith("the opencl back end cannot hold string tensors: 'x' is string[2]"),
                e.getMessage());
    }

    @Test
    void theDebugBuildIsRefusedNotIgnored() {
        CompileException e = assertThrows(CompileException.class, () -> Kiln.compile(FIXTURE,
                KilnOptions.defaults().withTarget("opencl").withInstrumented(true)));
        assertTrue(e.getMessage().contains("for the java and vector targets only, not for opencl"), e.getMessage());
    }

    @Test
    void theBackEndIsListedAsATarget() {
        assertEquals("opencl", Backends.get("opencl").id());
        assertTrue(Backends.get("opencl").hasKernel("dev.kiln", "FusedConv"));
    }
}
