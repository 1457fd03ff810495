package it.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** This module's generated Model against PyTorch's saved output for its fixture. */
class ModelTest {
    @Test
    void matchesPyTorch() throws Exception {
        Path fixture = Path.of(System.getProperty("fixtures"), System.getProperty("model"));
        float[] output = Model.load().run(floats(Path.of(fixture + ".input.bin")));
        assertArrayEquals(floats(Path.of(fixture + ".output.bin")), output, 1e-4f);
    }

    private static float[] floats(Path file) throws Exception {
        FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }
}
