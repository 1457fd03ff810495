package it.kiln;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The class kiln:generate made, loaded as a user would, against PyTorch's saved output. */
class TinyTest {
    private static final Path FIXTURES = Path.of(System.getProperty("fixtures"));

    @Test
    void matchesPyTorchsOutput() throws Exception {
        // The weight file was generated as a resource, so it sits on the classpath beside the class.
        assertNotNull(Tiny.class.getResource("Tiny.weights"), "Tiny.weights is not on the classpath beside Tiny");
        Tiny model = Tiny.load();

        float[] input = floats(FIXTURES.resolve("lowformer_tiny_op13.input.bin"));
        float[] reference = floats(FIXTURES.resolve("lowformer_tiny_op13.output.bin"));
        assertEquals(Tiny.INPUT_SIZE, input.length);
        float[] output = model.run(input);

        assertEquals(reference.length, output.length);
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < reference.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(output[i] - reference[i]));
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
        }
        double tolerance = 1e-4 * Math.max(1, maxRef);
        assertTrue(maxDiff <= tolerance, "max |kiln - pytorch| = " + maxDiff + " > " + tolerance);
    }

    private static float[] floats(Path file) throws Exception {
        FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }
}
