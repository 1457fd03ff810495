package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Reading weight files written here by hand to the documented layout (the writer,
 * in codegen, has its own round-trip test): every kind of corruption gives a
 * {@link WeightFileException} whose message names the file and the problem.
 */
class WeightFileTest {
    private static final String FINGERPRINT = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final String OTHER = "ff" + FINGERPRINT.substring(2);
    private static final String KILN = "1.2.3";

    /** A little-endian payload: floats 1.5, -2; longs 7, -1; a short; a byte; a boolean; the string "héllo". */
    private static byte[] payload() {
        ByteBuffer b = ByteBuffer.allocate(4 * 2 + 8 * 2 + 2 + 1 + 1 + 4 + 6).order(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(1.5f).putFloat(-2f).putLong(7).putLong(-1).putShort((short) 0x3C00).put((byte) -5).put((byte) 1);
        byte[] s = "héllo".getBytes(StandardCharsets.UTF_8);
        b.putInt(s.length).put(s);
        return b.array();
    }

    /** The header as the format comment in WeightFile describes it, then the payload. */
    static byte[] file(int version, String fingerprint, long payloadBytes, int crc, String kilnVersion, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(WeightFile.HEADER_BYTES + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(WeightFile.MAGIC).putInt(version);
        for (int i = 0; i < 32; i++) {
            b.put((byte) Integer.parseInt(fingerprint.substring(2 * i, 2 * i + 2), 16));
        }
        b.putLong(payloadBytes).putInt(crc).put(kilnVersion.getBytes(StandardCharsets.UTF_8));
        CRC32 headerCrc = new CRC32();
        headerCrc.update(b.array(), 0, WeightFile.HEADER_BYTES - 4);
        b.position(WeightFile.HEADER_BYTES - 4);
        b.putInt((int) headerCrc.getValue()).put(payload);
        return b.array();
    }

    private static byte[] file(int version, String fingerprint, long payloadBytes, int crc, byte[] payload) {
        return file(version, fingerprint, payloadBytes, crc, KILN, payload);
    }

    static byte[] validFile(byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        return file(WeightFile.FORMAT_VERSION, FINGERPRINT, payload.length, (int) crc.getValue(), payload);
    }

    private static WeightFile open(byte[] bytes) {
        return WeightFile.open(new ByteArrayInputStream(bytes), "m.weights", FINGERPRINT, KILN);
    }

    private static void readAll(WeightFile w) {
        w.floats(2);
        w.longs(2);
        w.shorts(1);
        w.bytes(1);
        w.booleans(1);
        w.strings(1);
    }

    private static String failure(byte[] bytes, Consumer<WeightFile> reads) {
        return assertThrows(WeightFileException.class, () -> {
            WeightFile w = open(bytes);
            reads.accept(w);
            w.finish();
        }).getMessage();
    }

    @Test
    void readsEveryKindOfArrayAndFinishes() {
        WeightFile w = open(validFile(payload()));
        assertArrayEquals(new float[] {1.5f, -2f}, w.floats(2));
        assertArrayEquals(new long[] {7, -1}, w.longs(2));
        assertArrayEquals(new short[] {0x3C00}, w.shorts(1));
        assertArrayEquals(new byte[] {-5}, w.bytes(1));
        assertArrayEquals(new boolean[] {true}, w.booleans(1));
        assertArrayEquals(new String[] {"héllo"}, w.strings(1));
        w.finish();
    }

    @Test
    void readsArraysLargerThanItsChunk() {
        ByteBuffer b = ByteBuffer.allocate(3_000_000 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 3_000_000; i++) {
            b.putInt(i * 31);
        }
        WeightFile w = open(validFile(b.array()));
        int[] ints = w.ints(3_000_000);
        for (int i = 0; i < ints.length; i++) {
            assertEquals(i * 31, ints[i]);
        }
        w.finish();
    }

    @Test
    void missingFile() {
        WeightFileException e = assertThrows(WeightFileException.class, () -> WeightFile.open(null, "m.weights", FINGERPRINT, KILN));
        assertEquals("weight file m.weights not found", e.getMessage());
    }

    @Test
    void shorterThanTheHeader() {
        String m = failure(Arrays.copyOf(validFile(payload()), 20), w -> { });
        assertEquals("weight file m.weights is not a Kiln weight file: it is shorter than the 92-byte header", m);
        assertTrue(failure(new byte[0], w -> { }).contains("shorter than the 92-byte header"));
        assertTrue(failure(Arrays.copyOf(validFile(payload()), 91), w -> { }).contains("shorter than the 92-byte header"));
    }

    @Test
    void wrongMagic() {
        byte[] f = validFile(payload());
        f[0] = 'P';
        assertEquals("weight file m.weights is not a Kiln weight file (wrong magic bytes)", failure(f, w -> { }));
    }

    @Test
    void otherFormatVersion() {
        assertEquals("weight file m.weights has format version 1, this runtime reads version 2: another Kiln version"
                + " wrote it (or it is corrupted); compile the model again with the Kiln whose runtime you use",
                failure(file(1, FINGERPRINT, 0, 0, new byte[0]), w -> { }));
    }

    @Test
    void anotherKilnVersion() {
        byte[] f = file(WeightFile.FORMAT_VERSION, OTHER, 0, 0, "1.3.0-SNAPSHOT", new byte[0]);
        assertEquals("weight file m.weights was written by another Kiln version (1.3.0-SNAPSHOT) than its class (1.2.3);"
                + " use the .java and .weights of one compile", failure(f, w -> { }));
    }

    @Test
    void corruptedHeader() {
        for (int at : new int[] {14, 44, 52, 56, 60, WeightFile.HEADER_BYTES - 1}) {
            byte[] f = validFile(payload());
            f[at] ^= 0x01;
            assertEquals("weight file m.weights is corrupted (header checksum mismatch)", failure(f, w -> { }), "byte " + at);
        }
    }

    @Test
    void aStringLengthTheFileDoesNotBackAllocatesLittle() {
        byte[] p = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(Integer.MAX_VALUE - 8).array();
        byte[] f = file(WeightFile.FORMAT_VERSION, FINGERPRINT, Integer.MAX_VALUE, 0, p);
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        String m = failure(f, w -> w.strings(1));
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(m.startsWith("weight file m.weights is truncated"), m);
        assertTrue(allocated < 8 << 20, "allocated " + allocated);
    }

    @Test
    void otherModel() {
        byte[] f = validFile(payload());
        String m = assertThrows(WeightFileException.class,
                () -> WeightFile.open(new ByteArrayInputStream(f), "m.weights", OTHER, KILN)).getMessage();
        assertEquals("weight file m.weights belongs to a different model or compile (fingerprint 0011223344556677..., "
                + "expected ff11223344556677...)", m);
    }

    @Test
    void negativePayloadSize() {
        byte[] f = file(WeightFile.FORMAT_VERSION, FINGERPRINT, -1, 0, new byte[0]);
        assertTrue(failure(f, w -> { }).contains("corrupt header (payload size -1)"));
    }

    @Test
    void truncatedPayload() {
        byte[] f = validFile(payload());
        String m = failure(Arrays.copyOf(f, f.length - 10), WeightFileTest::readAll);
        assertTrue(m.startsWith("weight file m.weights is truncated: its header promises 38 payload bytes"), m);
    }

    @Test
    void truncatedLargePayloadSaysExactlyWhereTheFileEnds() {
        // Larger than the reader's 1 MiB chunk, cut inside the second chunk.
        byte[] f = validFile(new byte[3 << 20]);
        String m = failure(Arrays.copyOf(f, WeightFile.HEADER_BYTES + 1_500_000), w -> w.bytes(3 << 20));
        assertEquals("weight file m.weights is truncated: its header promises 3145728 payload bytes,"
                + " the file ends after 1500000", m);
    }

    @Test
    void flippedPayloadBit() {
        byte[] f = validFile(payload());
        f[WeightFile.HEADER_BYTES + 3] ^= 0x10;
        assertEquals("weight file m.weights is corrupted (checksum mismatch)", failure(f, WeightFileTest::readAll));
    }

    @Test
    void extraBytesAfterThePayload() {
        byte[] f = validFile(payload());
        assertEquals("weight file m.weights has extra bytes after its payload",
                failure(Arrays.copyOf(f, f.length + 1), WeightFileTest::readAll));
    }

    @Test
    void modelReadsLessOrMoreThanThePayload() {
        byte[] f = validFile(payload());
        assertEquals("weight file m.weights does not match its model: it holds 38 payload bytes, the model reads 8",
                failure(f, w -> w.floats(2)));
        assertEquals("weight file m.weights does not match its model: the model reads past its 38-byte payload",
                failure(f, w -> w.floats(12)));
    }

    @Test
    void corruptStringLength() {
        byte[] p = payload();
        ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putInt(p.length - 10, 1000);
        assertEquals("weight file m.weights is corrupted (a string length of 1000)", failure(validFile(p), WeightFileTest::readAll));
    }

    @Test
    void readErrorsAreReportedWithTheFileName() {
        InputStream broken = new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("disk on fire");
            }
        };
        WeightFileException e = assertThrows(WeightFileException.class, () -> WeightFile.open(broken, "m.weights", FINGERPRINT, KILN));
        assertEquals("cannot read weight file m.weights: disk on fire", e.getMessage());
    }

    @Test
    void theFuzzCorpusStartsFromAValidFile() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("WeightFileFuzzTestInputs/weightFile/valid.weights")) {
            WeightFileFuzzTest.readLikeAGeneratedClass(WeightFile.open(in, "valid.weights",
                    WeightFileFuzzTest.FINGERPRINT, WeightFileFuzzTest.KILN_VERSION));
        }
    }
}
