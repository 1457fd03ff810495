package dev.kiln.compiler.onnx;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of the external data a model's tensors read, in the order they are read. The
 * model file's own hash does not cover those files, and the compile fingerprint must: a
 * weight file compiled from other data beside the same {@code .onnx} belongs to another
 * compile. Given the model file, the order and the length of every read are fixed, so the
 * bytes alone identify the data.
 */
final class ExternalDataDigest {
    private final MessageDigest sha;
    private long bytes;

    ExternalDataDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Adds the bytes from {@code b}'s position to its limit (the position is left as it was). */
    void update(ByteBuffer b) {
        bytes += b.remaining();
        sha.update(b.duplicate());
    }

    /** The digest in hex, or "" if no external data was read. */
    String hex() {
        return bytes == 0 ? "" : HexFormat.of().formatHex(sha.digest());
    }
}
