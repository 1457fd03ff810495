package dev.kiln.runtime;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.util.zip.CRC32;

/**
 * Reads a Kiln weight file: a fixed header, then the model's constant arrays
 * one after the other, little-endian.
 *
 * <pre>
 * offset  size  field
 *      0     8  magic "KILNWTS" followed by 0x1A
 *      8     4  format version (int32)
 *     12    32  fingerprint of the model and compile options (SHA-256)
 *     44     8  payload byte count (int64)
 *     52     4  CRC-32 of the payload (int32)
 *     56    32  the Kiln version that wrote the file (UTF-8, zero-padded)
 *     88     4  CRC-32 of the header's first 88 bytes (int32)
 *     92     -  payload
 * </pre>
 *
 * The generated class knows which arrays it stored and in what order; it asks for
 * them with {@link #floats(int)}, {@link #longs(int)} and so on, then calls
 * {@link #finish()}, which checks that the payload was read to its end and that
 * its checksum matches. Nothing is returned to the user before that check.
 */
public final class WeightFile {
    /** The first eight bytes of every weight file. */
    public static final byte[] MAGIC = {'K', 'I', 'L', 'N', 'W', 'T', 'S', 0x1A};
    /** The format this reader understands (1: without the Kiln version and header checksum). */
    public static final int FORMAT_VERSION = 2;
    /** Bytes before the payload. */
    public static final int HEADER_BYTES = 92;
    /** Where the Kiln version that wrote the file starts, and its field's size. */
    public static final int KILN_VERSION_OFFSET = 56;
    public static final int KILN_VERSION_BYTES = 32;

    private static final int CHUNK = 1 << 20;
    private static final Charset UTF_8 = Charset.forName("UTF-8");

    private final InputStream in;
    private final String source;
    private final long payloadBytes;
    private final int expectedCrc;
    private final CRC32 crc = new CRC32();
    private final byte[] chunk;
    private long consumed;

    private WeightFile(InputStream in, String source, long payloadBytes, int expectedCrc) {
        this.in = in;
        this.source = source;
        this.payloadBytes = payloadBytes;
        this.expectedCrc = expectedCrc;
        this.chunk = new byte[(int) Math.min(CHUNK, Math.max(8, payloadBytes))];
    }

    /**
     * Reads and checks the header.
     *
     * @param in the weight file's bytes, positioned at its start; not closed here
     * @param source how to name the file in error messages
     * @param fingerprint the model's fingerprint as 64 hex digits
     * @param kilnVersion the Kiln version that generated the class reading the file
     * @throws WeightFileException if the file is not a Kiln weight file, has a corrupted
     *     header, was written by another Kiln version, or belongs to another model
     */
    public static WeightFile open(InputStream in, String source, String fingerprint, String kilnVersion) {
        if (in == null) {
            throw new WeightFileException("weight file " + source + " not found");
        }
        byte[] header = new byte[HEADER_BYTES];
        readHeader(in, header, 0, 12, source);
        for (int i = 0; i < MAGIC.length; i++) {
            if (header[i] != MAGIC[i]) {
                throw new WeightFileException("weight file " + source
                        + " is not a Kiln weight file (wrong magic bytes)");
            }
        }
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int version = h.getInt(8);
        if (version != FORMAT_VERSION) {
            throw new WeightFileException("weight file " + source + " has format version " + version
                    + ", this runtime reads version " + FORMAT_VERSION + ": another Kiln version wrote it (or it is"
                    + " corrupted); compile the model again with the Kiln whose runtime you use");
        }
        readHeader(in, header, 12, HEADER_BYTES - 12, source);
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header, 0, HEADER_BYTES - 4);
        if ((int) headerCrc.getValue() != h.getInt(HEADER_BYTES - 4)) {
            throw new WeightFileException("weight file " + source + " is corrupted (header checksum mismatch)");
        }
        String writtenBy = kilnVersion(header);
        if (!writtenBy.equals(kilnVersion)) {
            throw new WeightFileException("weight file " + source + " was written by another Kiln version ("
                    + writtenBy + ") than its class (" + kilnVersion + "); use the .java and .weights of one compile");
        }
        String actual = hex(header, 12, 32);
        if (!actual.equalsIgnoreCase(fingerprint)) {
            throw new WeightFileException("weight file " + source + " belongs to a different model or compile"
                    + " (fingerprint " + actual.substring(0, 16) + "..., expected "
                    + fingerprint.substring(0, Math.min(16, fingerprint.length())) + "...)");
        }
        long payload = h.getLong(44);
        if (payload < 0) {
            throw new WeightFileException("weight file " + source + " has a corrupt header (payload size " + payload + ")");
        }
        return new WeightFile(in, source, payload, h.getInt(52));
    }

    /** The Kiln version field of a header: UTF-8 up to the first zero byte. */
    private static String kilnVersion(byte[] header) {
        int end = KILN_VERSION_OFFSET;
        while (end < KILN_VERSION_OFFSET + KILN_VERSION_BYTES && header[end] != 0) {
            end++;
        }
        return new String(header, KILN_VERSION_OFFSET, end - KILN_VERSION_OFFSET, UTF_8);
    }

    private static void readHeader(InputStream in, byte[] header, int off, int len, String source) {
        try {
            readFully(in, header, off, len);
        } catch (EOFException e) {
            throw new WeightFileException("weight file " + source
                    + " is not a Kiln weight file: it is shorter than the " + HEADER_BYTES + "-byte header");
        } catch (IOException e) {
            throw new WeightFileException("cannot read weight file " + source + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code n} float32 values. */
    public float[] floats(int n) {
        float[] out = new float[n];
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, chunk.length / 4);
            ByteBuffer b = next(m * 4L);
            b.asFloatBuffer().get(out, done, m);
            done += m;
        }
        return out;
    }

    /** Reads {@code n} float64 values. */
    public double[] doubles(int n) {
        double[] out = new double[n];
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, chunk.length / 8);
            next(m * 8L).asDoubleBuffer().get(out, done, m);
            done += m;
        }
        return out;
    }

    /** Reads {@code n} int64 values. */
    public long[] longs(int n) {
        long[] out = new long[n];
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, chunk.length / 8);
            next(m * 8L).asLongBuffer().get(out, done, m);
            done += m;
        }
        return out;
    }

    /** Reads {@code n} int32 values. */
    public int[] ints(int n) {
        int[] out = new int[n];
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, chunk.length / 4);
            next(m * 4L).asIntBuffer().get(out, done, m);
            done += m;
        }
        return out;
    }

    /** Reads {@code n} int16 values (also float16 and bfloat16 bit patterns). */
    public short[] shorts(int n) {
        short[] out = new short[n];
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, chunk.length / 2);
            next(m * 2L).asShortBuffer().get(out, done, m);
            done += m;
        }
        return out;
    }

    /** Reads {@code n} bytes. */
    public byte[] bytes(int n) {
        byte[] out = new byte[n];
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, chunk.length);
            next(m).get(out, done, m);
            done += m;
        }
        return out;
    }

    /** Reads {@code n} booleans stored one per byte. */
    public boolean[] booleans(int n) {
        byte[] raw = bytes(n);
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = raw[i] != 0;
        }
        return out;
    }

    /** Reads {@code n} strings, each an int32 byte length and UTF-8 bytes. */
    public String[] strings(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            int length = next(4).getInt();
            if (length < 0 || length > payloadBytes - consumed) {
                throw corrupt("a string length of " + length);
            }
            out[i] = new String(stringBytes(length), UTF_8);
        }
        return out;
    }

    /**
     * Reads {@code n} bytes whose count came from the file, a chunk at a time, so that a
     * corrupt length allocates no more than the bytes that are really there.
     */
    private byte[] stringBytes(int n) {
        if (n <= chunk.length) {
            return bytes(n);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(chunk.length);
        for (int done = 0; done < n; ) {
            int m = Math.min(n - done, chunk.length);
            ByteBuffer b = next(m);
            out.write(b.array(), b.arrayOffset() + b.position(), m);
            done += m;
        }
        return out.toByteArray();
    }

    /**
     * Checks that the whole payload was read and that its checksum matches.
     *
     * @throws WeightFileException if the file is longer than the model expects or corrupted
     */
    public void finish() {
        if (consumed != payloadBytes) {
            throw new WeightFileException("weight file " + source + " does not match its model: it holds "
                    + payloadBytes + " payload bytes, the model reads " + consumed);
        }
        try {
            if (in.read() != -1) {
                throw new WeightFileException("weight file " + source + " has extra bytes after its payload");
            }
        } catch (IOException e) {
            throw new WeightFileException("cannot read weight file " + source + ": " + e.getMessage(), e);
        }
        if ((int) crc.getValue() != expectedCrc) {
            throw new WeightFileException("weight file " + source + " is corrupted (checksum mismatch)");
        }
    }

    /** Reads the next {@code n} payload bytes (n at most the chunk size) into a little-endian buffer. */
    private ByteBuffer next(long n) {
        if (consumed + n > payloadBytes) {
            throw new WeightFileException("weight file " + source + " does not match its model: the model reads past its "
                    + payloadBytes + "-byte payload");
        }
        try {
            int read = readAtMost(in, chunk, (int) n);
            if (read < n) {
                throw new WeightFileException("weight file " + source + " is truncated: its header promises "
                        + payloadBytes + " payload bytes, the file ends after " + (consumed + read));
            }
        } catch (IOException e) {
            throw new WeightFileException("cannot read weight file " + source + ": " + e.getMessage(), e);
        }
        crc.update(chunk, 0, (int) n);
        consumed += n;
        ByteBuffer b = ByteBuffer.wrap(chunk, 0, (int) n);
        b.order(ByteOrder.LITTLE_ENDIAN);
        return b;
    }

    private WeightFileException corrupt(String what) {
        return new WeightFileException("weight file " + source + " is corrupted (" + what + ")");
    }

    /** Reads {@code len} bytes into {@code b}, fewer only at the end of the stream; returns how many. */
    private static int readAtMost(InputStream in, byte[] b, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, done, len - done);
            if (n < 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw new EOFException();
            }
            off += n;
            len -= n;
        }
    }

    private static String hex(byte[] b, int off, int len) {
        StringBuilder s = new StringBuilder(len * 2);
        for (int i = off; i < off + len; i++) {
            s.append(Character.forDigit((b[i] >> 4) & 0xF, 16)).append(Character.forDigit(b[i] & 0xF, 16));
        }
        return s.toString();
    }
}
