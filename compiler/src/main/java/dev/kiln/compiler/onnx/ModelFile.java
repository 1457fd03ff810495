package dev.kiln.compiler.onnx;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.FileNames;
import dev.kiln.compiler.onnx.text.OnnxTextReader;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.LongConsumer;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * A model file read into a ModelProto, from either of ONNX's two forms: protobuf
 * ({@code .onnx}) or the text syntax ({@code .onnxtxt}, UTF-8). Both go on through the
 * same importer, with the same checks.
 *
 * @param proto the model as protobuf
 * @param sha256 the SHA-256 of the file's bytes, hex
 */
public record ModelFile(Path path, ModelProto proto, String sha256) {
    /** The file name ending of ONNX's text syntax. */
    public static final String TEXT_EXTENSION = ".onnxtxt";

    /** Protobuf's hard limit on one message: 2 GB (its default, 64 MB, is too small for large models). */
    private static final int MAX_MODEL_BYTES = Integer.MAX_VALUE;

    /** Whether the file is in the text syntax, by its name. */
    public static boolean isText(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(TEXT_EXTENSION);
    }

    /** Reads a model file; every problem is a {@link CompileException} that starts with the file's path. */
    public static ModelFile read(Path file) {
        return read(file, bytes -> { });
    }

    /**
     * Like {@link #read(Path)}, telling {@code bytesRead} how many bytes of the file have been
     * read so far, about every megabyte, for a progress display of a large model.
     */
    public static ModelFile read(Path file, LongConsumer bytesRead) {
        try {
            return isText(file) ? readText(file)
                    : readProtobuf(new CountingInputStream(Files.newInputStream(file), bytesRead), file);
        } catch (NoSuchFileException e) {
            throw new CompileException(FileNames.of(file) + ": no such file");
        } catch (IOException e) {
            throw new CompileException(FileNames.of(file) + ": cannot read: " + FileNames.reason(e, file));
        }
    }

    /**
     * Reads protobuf from {@code stream} (closed when done), naming it {@code file} in messages;
     * read errors are {@link CompileException}s too.
     */
    static ModelFile readProtobuf(InputStream stream, Path file) {
        MessageDigest sha = newSha256();
        try (InputStream in = new DigestInputStream(new BufferedInputStream(stream, 1 << 16), sha)) {
            CodedInputStream coded = CodedInputStream.newInstance(in);
            coded.setSizeLimit(MAX_MODEL_BYTES);
            coded.setRecursionLimit(200);
            ModelProto proto = ModelProto.parseFrom(coded);
            in.transferTo(OutputStream.nullOutputStream()); // hash any trailing bytes too
            return new ModelFile(file, proto, HexFormat.of().formatHex(sha.digest()));
        } catch (InvalidProtocolBufferException e) {
            throw new CompileException(FileNames.of(file) + ": not an ONNX model (the protobuf data is truncated or "
                    + "malformed: " + e.getMessage() + ")");
        } catch (IOException e) {
            throw new CompileException(FileNames.of(file) + ": cannot read: " + FileNames.reason(e, file));
        }
    }

    private static ModelFile readText(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new CompileException(FileNames.of(file) + ": not UTF-8 text (" + e.getMessage() + "); ONNX text models are UTF-8");
        }
        ModelProto proto;
        try {
            proto = OnnxTextReader.parse(text);
        } catch (CompileException e) {
            throw e.inFile(FileNames.of(file));
        }
        if (!proto.hasIrVersion()) {
            throw new CompileException(FileNames.of(file) + ": the model states no IR version: begin it with a header such as "
                    + "<ir_version: 8, opset_import: [\"\" : 17]>");
        }
        return new ModelFile(file, proto, HexFormat.of().formatHex(newSha256().digest(bytes)));
    }

    /** Passes on the count of bytes read each time another megabyte has gone through. */
    private static final class CountingInputStream extends FilterInputStream {
        private final LongConsumer bytesRead;
        private long count;
        private long reported;

        CountingInputStream(InputStream in, LongConsumer bytesRead) {
            super(in);
            this.bytesRead = bytesRead;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            counted(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            counted(Math.max(n, 0));
            return n;
        }

        private void counted(int n) {
            count += n;
            if (count - reported >= 1 << 20) {
                reported = count;
                bytesRead.accept(count);
            }
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
