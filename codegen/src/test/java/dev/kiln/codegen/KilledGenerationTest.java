package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.runtime.WeightFileException;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: a generation killed (SIGKILL) while it writes leaves every file whole, and
 * {@code load()} refuses a .java/.weights pair that does not belong together. A child JVM
 * ({@link Writer}) writes two versions of one class (same name, different weights) into one
 * folder, over and over; it is killed at random moments. After each kill the .java is
 * byte for byte one of the two versions' sources, the .weights one of their weight files,
 * and the pair either loads and computes its version's output or is refused.
 */
class KilledGenerationTest {
    private static final int KILLS = 6;
    private static final float[] INPUT = OnnxModelBuilder.random(5, 1024, 1f);
    private static GeneratedModel[] versions;
    private static byte[][] weights;
    private static Class<?>[] classes;
    private static float[][] outputs;

    /**
     * y = x · W with a 1024x2048 W (8 MB of weights), seeded per version, compiled from a model
     * file as users do (the file's hash is part of the fingerprint that ties .java and .weights).
     */
    static GeneratedModel version(int seed) {
        OnnxGraph g = new OnnxGraph(13)
                .input("x", new Tensor(new TensorType(ElementType.FLOAT, 1, 1024), new float[1024]))
                .initializer("w", new Tensor(new TensorType(ElementType.FLOAT, 1024, 2048),
                        OnnxModelBuilder.random(seed, 1024 * 2048, 1f)))
                .node("MatMul", "x,w", "y").output("y", ElementType.FLOAT);
        try {
            Path file = Files.createTempDirectory("kiln-killed").resolve("killed.onnx");
            Files.write(file, g.model().toByteArray());
            GeneratedModel model = KilnRunner.generate(file, new InputBindings());
            Files.delete(file);
            Files.delete(file.getParent());
            return model;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void generate() throws Exception {
        versions = new GeneratedModel[] {version(1), version(2)};
        weights = new byte[2][];
        classes = new Class<?>[2];
        outputs = new float[2][];
        for (int v = 0; v < 2; v++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            versions[v].writeWeights(out);
            weights[v] = out.toByteArray();
            classes[v] = InProcessJavac.compile(versions[v].sources(), KilledGenerationTest.class.getClassLoader(),
                    versions[v].backend().javacOptions())
                    .loadClass(versions[v].qualifiedName());
            outputs[v] = (float[]) LoadedModel.of(versions[v]).run((Object) INPUT)[0];
        }
    }

    /** The child: writes version 1 and 2 alternately into args[0] until killed. */
    public static final class Writer {
        public static void main(String[] args) {
            GeneratedModel[] v = {version(1), version(2)};
            Path dir = Path.of(args[0]);
            System.out.println("writing");
            System.out.flush();
            for (long i = 0; ; i++) {
                v[(int) (i % 2)].writeTo(dir);
            }
        }
    }

    @Test
    void everyFileIsWholeAfterAKill(@TempDir Path dir) throws Exception {
        Random random = new Random(11);
        String source = versions[0].sources().keySet().iterator().next();
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-cp", System.getProperty("java.class.path"), Writer.class.getName(), dir.toString())
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                assertEquals("writing", out.readLine());
                Thread.sleep(200 + random.nextInt(1500));
                child.destroyForcibly();
                assertTrue(child.waitFor(1, TimeUnit.MINUTES));
            }
            if (!Files.exists(dir.resolve(source))) {
                continue; // killed before the first file was moved in place
            }
            int java = versionOf(Files.readString(dir.resolve(source)), "source");
            int w = versionOf(Files.readAllBytes(dir.resolve(versions[0].weightsPath())));
            checkPair(java, w, dir);
        }
    }

    private static int versionOf(String text, String what) {
        for (int v = 0; v < 2; v++) {
            if (versions[v].sources().values().iterator().next().equals(text)) {
                return v;
            }
        }
        return fail("the " + what + " is not whole: " + text.length() + " characters");
    }

    private static int versionOf(byte[] file) {
        for (int v = 0; v < 2; v++) {
            if (java.util.Arrays.equals(weights[v], file)) {
                return v;
            }
        }
        return fail("the weight file is not whole: " + file.length + " bytes of " + weights[0].length);
    }

    /** Loads the written pair through version {@code java}'s class: its output, or a refusal if mismatched. */
    private static void checkPair(int java, int weightsVersion, Path dir) throws Exception {
        Class<?> type = classes[java];
        Path file = dir.resolve(versions[0].weightsPath());
        if (java == weightsVersion) {
            Object model = type.getMethod("load", Path.class).invoke(null, file);
            float[] y = (float[]) type.getMethod("run", float[].class).invoke(model, (Object) INPUT);
            assertArrayEquals(outputs[java], y, 0f);
        } else {
            InvocationTargetException e = assertThrows(InvocationTargetException.class,
                    () -> type.getMethod("load", Path.class).invoke(null, file));
            assertTrue(e.getCause() instanceof WeightFileException, e.getCause().toString());
            assertTrue(e.getCause().getMessage().contains("belongs to a different model or compile"),
                    e.getCause().getMessage());
        }
    }

    @Test
    void loadRefusesAPairThatDoesNotBelongTogether(@TempDir Path dir) throws Exception {
        versions[0].writeTo(dir);
        Files.write(dir.resolve(versions[0].weightsPath()), weights[1]);
        checkPair(0, 1, dir);
        List<Path> written = versions[1].writeTo(dir);
        assertEquals(2, written.size());
        checkPair(1, 1, dir);
    }
}
