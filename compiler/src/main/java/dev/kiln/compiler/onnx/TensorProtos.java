package dev.kiln.compiler.onnx;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.FileNames;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.text.OnnxTextPrinter;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;


/**
 * Decodes a TensorProto into a {@link Tensor}: raw_data (little-endian), the typed
 * repeated fields, or external data in a file beside the model.
 */
public final class TensorProtos {
    /** How much external data is read at a time: a whole number of values of any type. */
    private static final int EXTERNAL_CHUNK_BYTES = 1 << 20;

    private TensorProtos() {
    }

    /**
     * @param baseDir the model's directory, for external data; null if external data is not allowed
     */
    public static Tensor decode(TensorProto t, Path baseDir) {
        return decode(t, baseDir, new ExternalDataDigest());
    }

    /**
     * @param baseDir the model's directory, for external data; null if external data is not allowed
     * @param externalData where external data read for the tensor is hashed
     */
    static Tensor decode(TensorProto t, Path baseDir, ExternalDataDigest externalData) {
        String what = "tensor '" + t.getName() + "'";
        ElementType type = ElementType.fromCode(t.getDataType());
        if (type == null || !type.isSupported()) {
            throw new CompileException(what + " has element type "
                    + (type == null ? "code " + t.getDataType() : type.onnxName()) + ", which Kiln does not support");
        }
        long[] dims = new long[t.getDimsCount()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) {
                throw new CompileException(what + " has a negative dimension " + dims[i]);
            }
        }
        TensorType tt = new TensorType(type, dims);
        long size;
        try {
            size = tt.size();
        } catch (ArithmeticException e) {
            throw new CompileException(what + " has dimensions " + tt.shapeString() + ", more than 2^63 elements");
        }
        if (size > Integer.MAX_VALUE) {
            throw new CompileException(what + " has " + size + " elements; Kiln handles at most 2^31-1");
        }
        int n = (int) size;
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return readExternal(t, tt, baseDir, externalData, what);
        }
        if (!t.getRawData().isEmpty()) {
            return fromBytes(tt, t.getRawData().asReadOnlyByteBuffer(), ByteOrder.LITTLE_ENDIAN, what);
        }
        return fromFields(t, tt, n, what);
    }

    /**
     * A tensor of {@code tt} from its values' bytes in {@code order}, as raw_data holds them
     * (little-endian) or ONNX Runtime hands them out (the platform's order).
     *
     * @param what how messages name the tensor
     */
    public static Tensor fromBytes(TensorType tt, ByteBuffer bytes, ByteOrder order, String what) {
        ElementType type = tt.elementType();
        Storage storage = type.storage();
        int n = tt.intSize();
        if (type == ElementType.STRING) {
            throw new CompileException(what + ": string tensors cannot use raw_data");
        }
        long expected = (long) n * storage.bytes();
        if (bytes.remaining() != expected) {
            throw new CompileException(what + " " + tt + " should hold " + expected + " bytes of data, has "
                    + bytes.remaining());
        }
        Object data = storage.newArray(n);
        copy(bytes.slice().order(order), data, 0, storage);
        return new Tensor(tt, data);
    }

    /** Copies the whole values in {@code b} (little-endian) into {@code data}, from element {@code at} on. */
    private static void copy(ByteBuffer b, Object data, int at, Storage storage) {
        int m = b.remaining() / storage.bytes();
        switch (storage) {
            case FLOAT -> b.asFloatBuffer().get((float[]) data, at, m);
            case DOUBLE -> b.asDoubleBuffer().get((double[]) data, at, m);
            case LONG -> b.asLongBuffer().get((long[]) data, at, m);
            case INT -> b.asIntBuffer().get((int[]) data, at, m);
            case SHORT -> b.asShortBuffer().get((short[]) data, at, m);
            case BYTE -> b.get((byte[]) data, at, m);
            case BOOLEAN -> {
                boolean[] v = (boolean[]) data;
                for (int i = 0; i < m; i++) {
                    v[at + i] = b.get(b.position() + i) != 0;
                }
            }
            default -> throw new AssertionError(storage);
        }
    }

    private static Tensor fromFields(TensorProto t, TensorType tt, int n, String what) {
        ElementType type = tt.elementType();
        // Count before allocating: the declared dims must not size an array the file does not back.
        int count = switch (type) {
            case FLOAT -> t.getFloatDataCount();
            case DOUBLE -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            case STRING -> t.getStringDataCount();
            default -> t.getInt32DataCount();
        };
        if (count != n) {
            throw new CompileException(what + " " + tt + " has " + count + " values, expected " + n);
        }
        Object data = type.storage().newArray(n);
        for (int i = 0; i < n; i++) {
            switch (type) {
                case FLOAT -> ((float[]) data)[i] = t.getFloatData(i);
                case DOUBLE -> ((double[]) data)[i] = t.getDoubleData(i);
                case INT64 -> ((long[]) data)[i] = t.getInt64Data(i);
                case UINT64 -> ((long[]) data)[i] = t.getUint64Data(i);
                case UINT32 -> ((int[]) data)[i] = (int) t.getUint64Data(i);
                case INT32 -> ((int[]) data)[i] = t.getInt32Data(i);
                case INT16, UINT16, FLOAT16, BFLOAT16 -> ((short[]) data)[i] = (short) t.getInt32Data(i);
                case INT8, UINT8 -> ((byte[]) data)[i] = (byte) t.getInt32Data(i);
                case BOOL -> ((boolean[]) data)[i] = t.getInt32Data(i) != 0;
                case STRING -> ((String[]) data)[i] = t.getStringData(i).toString(StandardCharsets.UTF_8);
                default -> throw new CompileException(what + ": element type " + type.onnxName() + " is not supported");
            }
        }
        return new Tensor(tt, data);
    }

    /**
     * Reads external data; the location must stay inside the model's directory (a model is
     * untrusted input). The values go from the file into the tensor's array a megabyte at a
     * time, so a big tensor is not held twice (as bytes, then as values) while it is read,
     * and into {@code externalData}, for the compile fingerprint.
     */
    private static Tensor readExternal(TensorProto t, TensorType tt, Path baseDir, ExternalDataDigest externalData,
                                       String what) {
        if (t.getExternalDataList().stream().anyMatch(e -> e.getKey().equals(OnnxTextPrinter.ELIDED_KEY))) {
            throw new CompileException(what + ": its values were left out when the model was printed "
                    + "(kiln print writes them with --weights)");
        }
        if (baseDir == null) {
            throw new CompileException(what + " uses external data, which is not allowed here");
        }
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), what);
                case "length" -> length = parseLong(e.getValue(), what);
                default -> { }
            }
        }
        if (location == null) {
            throw new CompileException(what + " uses external data but names no location");
        }
        if (tt.elementType() == ElementType.STRING) {
            throw new CompileException(what + ": string tensors cannot use external data");
        }
        Path file = insideModelDirectory(baseDir, location, what);
        Storage storage = tt.elementType().storage();
        long expected = tt.size() * storage.bytes();
        if (length < 0) {
            length = expected;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // Both are at least 0, so their sum fits in 64 bits unsigned, though not always signed.
            if (offset < 0 || offset > ch.size() - length) {
                throw new CompileException(what + ": external data [" + offset + ", "
                        + Long.toUnsignedString(offset + length) + ") lies outside " + location + " (" + ch.size()
                        + " bytes)");
            }
            if (length != expected) {
                throw new CompileException(what + " " + tt + " should hold " + expected + " bytes of data, has "
                        + length);
            }
            Object data = storage.newArray(tt.intSize());
            ByteBuffer chunk = ByteBuffer.allocate(EXTERNAL_CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long done = 0; done < length; ) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), length - done));
                while (chunk.hasRemaining()) {
                    if (ch.read(chunk, offset + done + chunk.position()) < 0) {
                        throw new CompileException(what + ": external data file " + location + " is truncated");
                    }
                }
                chunk.flip();
                externalData.update(chunk);
                copy(chunk, data, (int) (done / storage.bytes()), storage);
                done += chunk.limit();
            }
            return new Tensor(tt, data);
        } catch (IOException e) {
            throw new CompileException(what + ": cannot read external data file " + location + ": "
                    + FileNames.reason(e, null));
        }
    }

    /**
     * The data file for {@code location}, which must be a relative path that stays inside
     * the model's directory, also once symbolic links are followed.
     */
    private static Path insideModelDirectory(Path baseDir, String location, String what) {
        CompileException outside = new CompileException(what + ": external data location '" + location
                + "' is outside the model's directory");
        try {
            Path base = baseDir.toAbsolutePath().normalize();
            Path file = base.resolve(location).normalize();
            if (!file.startsWith(base) || Path.of(location).isAbsolute()) {
                throw outside;
            }
            if (Files.exists(file) && !file.toRealPath().startsWith(base.toRealPath())) {
                throw outside; // a link (the file or a directory on the way) leads out
            }
            return file;
        } catch (InvalidPathException e) {
            throw new CompileException(what + ": external data location '" + location + "' is not a valid path");
        } catch (IOException e) {
            throw new CompileException(what + ": cannot read external data file " + location + ": "
                    + FileNames.reason(e, null));
        }
    }

    private static long parseLong(String s, String what) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new CompileException(what + ": external data field '" + s + "' is not a number");
        }
    }

    /** Reads a TensorProto file (like the conformance suite's input_0.pb). */
    public static Tensor read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            var coded = com.google.protobuf.CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return decode(TensorProto.parseFrom(coded), file.getParent());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new CompileException(FileNames.of(file) + ": not a readable TensorProto: " + e.getMessage());
        } catch (IOException e) {
            throw new CompileException(FileNames.of(file) + ": cannot read: " + FileNames.reason(e, file));
        }
    }

}
