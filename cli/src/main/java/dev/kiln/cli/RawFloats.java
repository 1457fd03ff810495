package dev.kiln.cli;

import dev.kiln.compiler.ir.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Raw little-endian float32 files, row-major, no header: the input and output format of run and verify. */
final class RawFloats {
    private RawFloats() {
    }

    /** Reads a file that must hold exactly the elements of {@code shape}; {@code what} names it in errors. */
    static float[] read(Path file, long[] shape, String what) {
        long expected = 1;
        for (long d : shape) {
            expected *= d;
        }
        float[] values = read(file, what);
        if (values.length != expected) {
            throw new KilnException(what + ": " + file + " holds " + values.length + " float32 values, expected "
                    + expected + " for shape " + TensorType.formatDims(shape));
        }
        return values;
    }

    /** Reads a whole file of float32 values. */
    static float[] read(Path file, String what) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KilnException(what + ": " + file + ": no such file");
        } catch (IOException e) {
            throw new KilnException(what + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length % 4 != 0) {
            throw new KilnException(what + ": " + file + " has " + bytes.length
                    + " bytes, not a whole number of float32 values");
        }
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    static void write(Path file, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, b.array());
        } catch (IOException e) {
            throw new KilnException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
