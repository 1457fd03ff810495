package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.runtime.WeightFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vector back end's contract: its Vector API kernels live in a class of their own
 * that runs where the JVM can run it (this test JVM has --add-modules
 * jdk.incubator.vector and C2), a JVM without the module runs the scalar kernels
 * emitted alongside (or refuses, with --no-scalar-fallback), and the results agree
 * with the java back end's.
 */
class VectorBackendTest {
    private static final String STEM = "lowformer_tiny_op13";
    private static GeneratedModel vector;
    private static GeneratedModel strict;

    @BeforeAll
    static void generate() {
        KilnOptions options = KilnOptions.defaults().withTarget("vector").withPackage("vec").withClassName("Tiny");
        vector = Kiln.compile(Fixtures.model(STEM), options);
        strict = Kiln.compile(Fixtures.model(STEM), options.withScalarFallback(false).withClassName("Strict"));
    }

    @Test
    void vectorKernelsAreInAClassOfTheirOwnAndComputeWholeVectorsNotMath() {
        assertEquals(List.of("vec/Tiny.java", "vec/TinyVector.java"), List.copyOf(vector.sources().keySet()));
        String model = vector.sources().get("vec/Tiny.java");
        assertFalse(model.contains("import jdk.incubator") || model.contains("FloatVector"),
                "the model class never refers to the incubator module's classes");
        assertTrue(model.contains("Run with: java --add-modules jdk.incubator.vector"), "the header says how to run it");
        assertTrue(vector.sources().get("vec/TinyVector.java").contains("FloatVector.SPECIES_256"),
                "the default profile's 8 lanes");
        for (String[] op : new String[][] {{"Gelu", "// erf1_y = "}, {"Sigmoid", "lanewise(VectorOperators.EXP)"},
                {"Tanh", "lanewise(VectorOperators.TANH)"}}) {
            // 3 x 700 elements: enough for a vector kernel (ElementwiseLoop.MIN_ELEMENTS).
            ModelProto one = new OnnxModelBuilder(20).input("x", 3, 700).node(op[0], "x", "y").output("y").build();
            String kernels = Kiln.compile(OnnxImporter.convert(one, op[0] + ".onnx", null, null),
                    KilnOptions.defaults().withTarget("vector").withClassName("M"))
                    .sources().get("kiln/generated/MVector.java");
            assertTrue(kernels.contains(op[1]), op[0] + ": " + op[1] + " on whole vectors, in the kernel");
            for (String loop : kernels.split("i \\+= L\\) \\{")) {
                String body = loop.substring(0, Math.max(0, loop.indexOf("\n        }")));
                assertFalse(body.contains("Math."), op[0] + ": Math in a vector loop: " + body);
            }
        }
    }

    @Test
    void inThisJvmTheVectorKernelsRunAndAgreeWithTheJavaBackEnd() throws Exception {
        LoadedModel loaded = LoadedModel.of(vector);
        assertEquals("vector (8 float lanes)", loaded.instance().getClass().getMethod("kernels").invoke(null));
        float[] input = Fixtures.input(STEM);
        float[] fromVector = (float[]) loaded.run((Object) input)[0];
        float[] fromJava = (float[]) LoadedModel.of(KilnRunner.generate(Fixtures.model(STEM), new InputBindings()))
                .run((Object) input)[0];
        assertArrayEquals(fromJava, fromVector, 1e-5f);
        assertArrayEquals(Fixtures.pytorchOutput(STEM), fromVector, 1e-4f);
    }

    @Test
    void withoutTheModuleTheScalarKernelsRunOrTheModelRefusesToLoad(@TempDir Path dir) throws Exception {
        Path classes = writeClasses(dir, vector, strict);
        String withModule = runDriver(classes, true, "vec.Tiny");
        String scalar = runDriver(classes, false, "vec.Tiny");
        assertTrue(withModule.startsWith("vector (8 float lanes) "), withModule);
        assertTrue(scalar.startsWith("scalar (the vector kernels cannot run: the JVM was started without "
                + "--add-modules jdk.incubator.vector) "), scalar);
        // The same numbers come out either way (each line ends with the output's first values), up to the
        // rounding of fused multiply-adds and of the vector kernels' order of summation.
        String[] v = withModule.substring(withModule.indexOf(") ") + 2).trim().split(" ");
        String[] s = scalar.substring(scalar.indexOf(") ") + 2).trim().split(" ");
        for (int i = 0; i < 2; i++) {
            float expected = Float.parseFloat(s[i]);
            assertEquals(expected, Float.parseFloat(v[i]), 1e-5f * Math.max(1f, Math.abs(expected)), withModule);
        }
        String refused = runDriver(classes, false, "vec.Strict");
        assertTrue(refused.contains("Strict was compiled for the Vector API without a scalar fallback, and cannot run "
                + "here: the JVM was started without --add-modules jdk.incubator.vector"), refused);
    }

    /** Compiles the models and a driver into {@code dir}, with their weight files beside them. */
    private static Path writeClasses(Path dir, GeneratedModel... models) throws Exception {
        Map<String, String> sources = new TreeMap<>();
        for (GeneratedModel m : models) {
            sources.putAll(m.sources());
        }
        sources.put("vec/Driver.java", """
                package vec;
                public final class Driver {
                    public static void main(String[] args) throws Exception {
                        Class<?> type = Class.forName(args[0]);
                        try {
                            Object model = type.getMethod("load").invoke(null);
                            float[] input = new float[(Integer) type.getField("INPUT_SIZE").get(null)];
                            for (int i = 0; i < input.length; i++) {
                                input[i] = (float) Math.sin(i);
                            }
                            float[] y = (float[]) type.getMethod("run", float[].class).invoke(model, (Object) input);
                            System.out.println(type.getMethod("kernels").invoke(null) + " " + y[0] + " " + y[1]);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            System.out.println("refused: " + e.getCause().getMessage());
                        }
                    }
                }
                """);
        InProcessJavac.Classes compiled = InProcessJavac.compileClasses(sources,
                VectorBackendTest.class.getClassLoader(), vector.backend().javacOptions());
        Path out = dir.resolve("classes");
        for (Map.Entry<String, byte[]> c : compiled.bytes().entrySet()) {
            Path file = out.resolve(c.getKey().replace('.', '/') + ".class");
            Files.createDirectories(file.getParent());
            Files.write(file, c.getValue());
        }
        for (GeneratedModel m : models) {
            try (OutputStream w = Files.newOutputStream(out.resolve(m.weightsPath()))) {
                m.writeWeights(w);
            }
        }
        return out;
    }

    /** Runs the driver in a new JVM, with or without the incubator module; returns its one line of output. */
    private static String runDriver(Path classes, boolean module, String modelClass) throws Exception {
        Path runtime = Path.of(WeightFile.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (module) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("-cp", classes + java.io.File.pathSeparator + runtime, "vec.Driver", modelClass));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        p.getInputStream().transferTo(out);
        assertEquals(0, p.waitFor(), out.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).trim();
    }
}
