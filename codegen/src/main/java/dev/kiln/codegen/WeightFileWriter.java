package dev.kiln.codegen;

import dev.kiln.compiler.KilnVersion;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.plan.MemoryPlan;
import dev.kiln.runtime.WeightFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes the weight file that {@link WeightFile} reads: the header, then every
 * planned constant, storage type by storage type in {@link Storage} order, each in
 * the order of its planned offset.
 */
public final class WeightFileWriter {
    private WeightFileWriter() {
    }

    /** Bytes of the weight file for {@code plan}: the header and every planned constant. */
    public static long fileBytes(MemoryPlan plan) {
        long payload = 0;
        for (var e : plan.constantSizes().entrySet()) {
            payload += (long) e.getValue() * Math.max(1, e.getKey().bytes());
        }
        return WeightFile.HEADER_BYTES + payload;
    }

    /** Writes the whole file to {@code out} (not closed). */
    public static void write(MemoryPlan plan, String fingerprint, OutputStream out) throws IOException {
        CRC32 crc = new CRC32();
        long[] size = {0};
        visitPayload(plan, chunk -> {
            crc.update(chunk);
            size[0] += chunk.length;
        });
        ByteBuffer header = ByteBuffer.allocate(WeightFile.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(WeightFile.MAGIC);
        header.putInt(WeightFile.FORMAT_VERSION);
        header.put(HexFormat.of().parseHex(fingerprint));
        header.putLong(size[0]);
        header.putInt((int) crc.getValue());
        byte[] version = KilnVersion.VERSION.getBytes(StandardCharsets.UTF_8);
        if (version.length > WeightFile.KILN_VERSION_BYTES) {
            throw new IllegalStateException("Kiln version '" + KilnVersion.VERSION + "' is longer than the header's "
                    + WeightFile.KILN_VERSION_BYTES + "-byte field");
        }
        header.put(version).position(WeightFile.KILN_VERSION_OFFSET + WeightFile.KILN_VERSION_BYTES);
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header.array(), 0, WeightFile.HEADER_BYTES - 4);
        header.putInt((int) headerCrc.getValue());
        BufferedOutputStream buffered = new BufferedOutputStream(out, 1 << 16);
        buffered.write(header.array());
        IOException[] failure = {null};
        visitPayload(plan, chunk -> {
            try {
                buffered.write(chunk);
            } catch (IOException e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        buffered.flush();
    }

    private interface ChunkSink {
        void accept(byte[] chunk);
    }

    /** Produces the payload bytes, one constant at a time (a big constant in pieces). */
    private static void visitPayload(MemoryPlan plan, ChunkSink sink) {
        for (Storage s : Storage.values()) {
            List<Value> constants = plan.constants().get(s);
            if (constants == null) {
                continue;
            }
            for (Value v : constants) {
                encode(v.constant(), sink);
            }
        }
    }

    private static void encode(Tensor t, ChunkSink sink) {
        Object data = t.data();
        int n = t.size();
        Storage s = t.elementType().storage();
        if (s == Storage.STRING) {
            for (String str : (String[]) data) {
                byte[] utf8 = str.getBytes(StandardCharsets.UTF_8);
                sink.accept(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
                sink.accept(utf8);
            }
            return;
        }
        int per = Math.max(1, s.bytes());
        int step = (1 << 20) / per;
        for (int start = 0; start < n; start += step) {
            int m = Math.min(step, n - start);
            ByteBuffer b = ByteBuffer.allocate(m * per).order(ByteOrder.LITTLE_ENDIAN);
            switch (s) {
                case FLOAT -> b.asFloatBuffer().put((float[]) data, start, m);
                case DOUBLE -> b.asDoubleBuffer().put((double[]) data, start, m);
                case LONG -> b.asLongBuffer().put((long[]) data, start, m);
                case INT -> b.asIntBuffer().put((int[]) data, start, m);
                case SHORT -> b.asShortBuffer().put((short[]) data, start, m);
                case BYTE -> b.put((byte[]) data, start, m);
                case BOOLEAN -> {
                    boolean[] v = (boolean[]) data;
                    for (int i = 0; i < m; i++) {
                        b.put(i, (byte) (v[start + i] ? 1 : 0));
                    }
                }
                default -> throw new AssertionError(s);
            }
            sink.accept(b.array());
        }
    }
}
