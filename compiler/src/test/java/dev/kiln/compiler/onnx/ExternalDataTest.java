package dev.kiln.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Initializers stored outside the model file. A model is untrusted input, so data
 * must come from inside the model's directory: no absolute paths, no "..", and no
 * symbolic links that lead out of it.
 */
class ExternalDataTest {
    private static final float[] W = {1.5f, -2f, 0.25f, 8f};

    @TempDir
    Path tmp;

    private static byte[] floats(float... f) {
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        return b.array();
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    /** Writes model.onnx into {@code dir}; its initializer w[4] is {@code location} from byte {@code offset}. */
    private static Path model(Path dir, String location, long offset) throws IOException {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(OnnxModelBuilder.FLOAT).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", location)).addExternalData(entry("offset", Long.toString(offset)))
                .addExternalData(entry("length", "16")).build();
        byte[] bytes = new OnnxModelBuilder(13).input("x", 4).initializer(w).node("Mul", "x,w", "y").output("y").bytes();
        Files.createDirectories(dir);
        return Files.write(dir.resolve("model.onnx"), bytes);
    }

    private static float[] weights(Path model) {
        Model m = OnnxImporter.read(model);
        return m.graph().nodes().get(0).input(1).constant().floats();
    }

    private static String error(Path model) {
        return assertThrows(CompileException.class, () -> OnnxImporter.read(model)).getMessage();
    }

    @Test
    void dataBesideTheModelAndInASubdirectory() throws IOException {
        Path dir = tmp.resolve("m");
        Files.createDirectories(dir.resolve("data"));
        byte[] padded = new byte[24 + 16];
        System.arraycopy(floats(W), 0, padded, 24, 16);
        Files.write(dir.resolve("data/w.bin"), padded);
        assertArrayEquals(W, weights(model(dir, "data/w.bin", 24)));
        Files.write(dir.resolve("w.bin"), floats(W));
        assertArrayEquals(W, weights(model(dir, "w.bin", 0)));
    }

    @Test
    void locationsEscapingTheModelDirectoryAreRefused() throws IOException {
        Path dir = tmp.resolve("m");
        Files.write(tmp.resolve("secret.bin"), floats(W));
        for (String location : new String[] {"../secret.bin", "data/../../secret.bin", tmp.resolve("secret.bin").toString()}) {
            assertEquals(dir.resolve("model.onnx") + ": tensor 'w': external data location '" + location + "' is outside the model's directory",
                    error(model(dir, location, 0)));
        }
    }

    @Test
    void symlinkedDirectoryLeadingOutIsRefused() throws IOException {
        Path dir = tmp.resolve("m");
        Path outside = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.write(outside.resolve("w.bin"), floats(W));
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("data"), outside);
        assertEquals(dir.resolve("model.onnx") + ": tensor 'w': external data location 'data/w.bin' is outside the model's directory",
                error(model(dir, "data/w.bin", 0)));
    }

    @Test
    void symlinkedFileLeadingOutIsRefused() throws IOException {
        Path dir = tmp.resolve("m");
        Files.write(tmp.resolve("secret.bin"), floats(W));
        Files.createDirectories(dir);
        Files.createSymbolicLink(dir.resolve("w.bin"), tmp.resolve("secret.bin"));
        assertEquals(dir.resolve("model.onnx") + ": tensor 'w': external data location 'w.bin' is outside the model's directory",
                error(model(dir, "w.bin", 0)));
    }

    @Test
    void symlinksInsideTheModelDirectoryAreFine() throws IOException {
        Path real = tmp.resolve("real");
        Files.createDirectories(real.resolve("shards"));
        Files.write(real.resolve("shards/w.bin"), floats(W));
        Files.createSymbolicLink(real.resolve("w.bin"), real.resolve("shards/w.bin"));
        model(real, "w.bin", 0);
        assertArrayEquals(W, weights(real.resolve("model.onnx")));
        // The model's own directory reached through a link.
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertArrayEquals(W, weights(link.resolve("model.onnx")));
    }

    @Test
    void missingOrShortDataFile() throws IOException {
        Path dir = tmp.resolve("m");
        String missing = error(model(dir, "w.bin", 0));
        assertEquals(dir.resolve("model.onnx") + ": tensor 'w': cannot read external data file w.bin: "
                + dir.resolve("w.bin") + ": no such file or directory", missing);
        Files.write(dir.resolve("w.bin"), floats(1, 2));
        assertEquals(dir.resolve("model.onnx") + ": tensor 'w': external data [0, 16) lies outside w.bin (8 bytes)", error(model(dir, "w.bin", 0)));
    }

    @Test
    void externalDataWithoutAModelDirectoryIsRefused() throws IOException {
        Path file = model(tmp.resolve("m"), "w.bin", 0);
        var proto = dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        CompileException e = assertThrows(CompileException.class, () -> OnnxImporter.convert(proto, "m.onnx", "", null));
        assertEquals("tensor 'w' uses external data, which is not allowed here", e.getMessage());
    }
}
