package demo;

import demo.model.LowFormerTiny;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Runs the class kiln:generate made from the LowFormer fixture on the fixture's
 * input, prints the top-5 class indices, and compares all logits with the ones
 * PyTorch computed for the same input.
 *
 * <p>Usage: {@code java -jar target/maven-demo-1.0.jar [FIXTURES_DIR]} (default
 * {@code ../lowformer/fixtures}). Exits with status 1 if the logits disagree with PyTorch's.
 */
public final class Main {
    private static final String STEM = "lowformer_tiny_op13";

    private Main() {
    }

    public static void main(String[] args) throws IOException {
        Path fixtures = Paths.get(args.length > 0 ? args[0] : "../lowformer/fixtures");
        float[] input = readFloats(fixtures.resolve(STEM + ".input.bin"));

        // Reads LowFormerTiny.weights from the classpath (here: inside the jar) and checks it.
        LowFormerTiny model = LowFormerTiny.load();
        long start = System.nanoTime();
        float[] logits = model.run(input);
        long micros = (System.nanoTime() - start) / 1000;

        System.out.println("top-5 of " + logits.length + " classes for " + STEM + ".input.bin ("
                + micros / 1000 + " ms, first run):");
        boolean[] taken = new boolean[logits.length];
        for (int rank = 1; rank <= 5; rank++) {
            int best = -1;
            for (int i = 0; i < logits.length; i++) {
                if (!taken[i] && (best < 0 || logits[i] > logits[best])) {
                    best = i;
                }
            }
            taken[best] = true;
            System.out.printf("  %d. class %4d  logit %8.4f%n", rank, best, logits[best]);
        }

        // The same tolerance as Kiln's own tests: max |kiln - pytorch| <= 1e-4 * max(1, max |pytorch|).
        float[] pytorch = readFloats(fixtures.resolve(STEM + ".output.bin"));
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < pytorch.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(logits[i] - pytorch[i]));
            maxRef = Math.max(maxRef, Math.abs(pytorch[i]));
        }
        boolean agrees = maxDiff <= 1e-4 * Math.max(1, maxRef);
        System.out.printf("max |kiln - pytorch| = %.3g over %d logits: %s%n", maxDiff, pytorch.length,
                agrees ? "agrees with PyTorch" : "DISAGREES with PyTorch");
        if (!agrees) {
            System.exit(1);
        }
    }

    private static float[] readFloats(Path file) throws IOException {
        FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }
}
