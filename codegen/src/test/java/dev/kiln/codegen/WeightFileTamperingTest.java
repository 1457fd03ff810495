package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.KilnVersion;
import dev.kiln.runtime.WeightFile;
import dev.kiln.runtime.WeightFileException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 11: a weight file tampered with in any region is refused by the generated class's
 * {@code load} with a message that says what is wrong; one written by another Kiln version
 * says that. Uses the LowFormer tiny fixture through the real writer and generated class.
 */
class WeightFileTamperingTest {
    private static final String STEM = "lowformer_tiny_op13";
    private static Class<?> type;
    private static byte[] weights;

    @BeforeAll
    static void compile() throws Exception {
        GeneratedModel model = KilnRunner.generate(Fixtures.model(STEM), new InputBindings());
        type = InProcessJavac.compile(model.sources(), WeightFileTamperingTest.class.getClassLoader(),
                model.backend().javacOptions()).loadClass(model.qualifiedName());
        weights = bytes(model);
    }

    private static byte[] bytes(GeneratedModel model) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        model.writeWeights(out);
        return out.toByteArray();
    }

    /** What {@code load(InputStream)} of the generated class says about {@code file}. */
    private static String refusal(byte[] file) {
        return assertThrows(WeightFileException.class, () -> {
            try {
                type.getMethod("load", InputStream.class).invoke(null, new ByteArrayInputStream(file));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }).getMessage();
    }

    /** Each region of the layout in {@link WeightFile}: its first byte and one inside it, flipped. */
    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "magic, 0, is not a Kiln weight file (wrong magic bytes)",
        "magic, 7, is not a Kiln weight file (wrong magic bytes)",
        "format version, 8, another Kiln version wrote it (or it is corrupted)",
        "format version, 11, another Kiln version wrote it (or it is corrupted)",
        "fingerprint, 12, is corrupted (header checksum mismatch)",
        "fingerprint, 43, is corrupted (header checksum mismatch)",
        "payload size, 44, is corrupted (header checksum mismatch)",
        "payload size, 51, is corrupted (header checksum mismatch)",
        "payload checksum, 52, is corrupted (header checksum mismatch)",
        "Kiln version, 56, is corrupted (header checksum mismatch)",
        "Kiln version, 87, is corrupted (header checksum mismatch)",
        "header checksum, 88, is corrupted (header checksum mismatch)",
        "header checksum, 91, is corrupted (header checksum mismatch)",
        "payload, 92, is corrupted (checksum mismatch)",
        "payload, -2, is corrupted (checksum mismatch)",
        "payload, -1, is corrupted (checksum mismatch)",
    })
    void aFlippedByteIsRefused(String region, int at, String expected) {
        byte[] file = weights.clone();
        int i = at >= 0 ? at : file.length + at;
        file[i] ^= 0x20;
        String message = refusal(file);
        assertTrue(message.contains(expected), region + " byte " + i + ": " + message);
    }

    @Test
    void aFileFromAnotherKilnVersionSaysSo() {
        byte[] file = weights.clone();
        ByteBuffer h = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        Arrays.fill(file, WeightFile.KILN_VERSION_OFFSET, WeightFile.KILN_VERSION_OFFSET + WeightFile.KILN_VERSION_BYTES,
                (byte) 0);
        byte[] other = "0.0.1".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(other, 0, file, WeightFile.KILN_VERSION_OFFSET, other.length);
        CRC32 crc = new CRC32();
        crc.update(file, 0, WeightFile.HEADER_BYTES - 4);
        h.putInt(WeightFile.HEADER_BYTES - 4, (int) crc.getValue());
        String message = refusal(file);
        assertTrue(message.contains("was written by another Kiln version (0.0.1) than its class (" + KilnVersion.VERSION
                + ")"), message);
    }

    @Test
    void anotherCompilesWeightsAreRefused() throws IOException {
        byte[] other = bytes(Kiln.compile(Fixtures.model(STEM), KilnOptions.defaults().withClassName("OtherName")));
        assertTrue(refusal(other).contains("belongs to a different model or compile"));
        assertArrayEquals(Arrays.copyOf(weights, 8), Arrays.copyOf(other, 8));
    }

    @Test
    void truncatedAnywhere() {
        for (int length : new int[] {0, 11, WeightFile.HEADER_BYTES - 1, WeightFile.HEADER_BYTES, weights.length - 1}) {
            String message = refusal(Arrays.copyOf(weights, length));
            assertTrue(message.contains("shorter than the " + WeightFile.HEADER_BYTES + "-byte header")
                    || message.contains("is truncated"), length + " bytes: " + message);
        }
    }
}
