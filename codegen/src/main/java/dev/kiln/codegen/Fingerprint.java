package dev.kiln.codegen;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.KilnVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The fingerprint of a compile: in the generated class and the weight file header, which must agree. */
public final class Fingerprint {
    private Fingerprint() {
    }

    /**
     * SHA-256 of everything that decides the generated files, the model's external data included.
     * The debug build and external data each add a line, so the fingerprint of a normal build of a
     * self-contained model is what it was before they were covered.
     */
    public static String of(Compilation c, GenerateOptions o, String backend) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String externalData = c.model().externalDataSha256();
            String text = String.join("\n", "kiln " + KilnVersion.VERSION, c.model().sha256(), backend,
                    c.profile().toString(), o.packageName(), o.className(), Boolean.toString(o.standalone()),
                    Boolean.toString(o.scalarFallback()), c.options().describe())
                    + (o.instrumented() ? "\ninstrumented" : "")
                    + (externalData.isEmpty() ? "" : "\nexternal data " + externalData);
            return HexFormat.of().formatHex(sha.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
