package classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import classify.model.Classifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed held-out digits (digits/*.png, made by train.py), classified as the program does
 * it: read, preprocessed with the program's defaults, run through the generated class. PyTorch's
 * logits for the same images are in digits/pytorch.csv.
 */
class HeldOutDigitsTest {
    private static final Path DIGITS = Paths.get("digits");

    @Test
    void agreesWithPyTorchOnEveryImageAndIsAccurate() throws IOException {
        List<String> rows = Files.readAllLines(DIGITS.resolve("pytorch.csv"), StandardCharsets.UTF_8);
        assertTrue(rows.get(0).startsWith("file,label,pytorch_top1,logit0,"), rows.get(0));
        Classifier model = Classifier.load();
        Preprocessing preprocessing = new Preprocessing(Classifier.INPUTS.get(0), 8,
                new float[] {Main.DEFAULT_MEAN}, new float[] {Main.DEFAULT_STD});

        int correct = 0;
        List<String> disagreements = new ArrayList<>();
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            float[] logits = model.run(preprocessing.toTensor(Preprocessing.read(DIGITS.resolve(cells[0]))));
            int top1 = Ranking.top(Ranking.softmax(logits), 1)[0];

            int label = Integer.parseInt(cells[1]);
            int pytorchTop1 = Integer.parseInt(cells[2]);
            if (top1 != pytorchTop1) {
                disagreements.add(cells[0] + ": Kiln " + top1 + ", PyTorch " + pytorchTop1);
            }
            // The logits too, with the tolerance of Kiln's own tests (train.py writes 7 digits).
            double maxDiff = 0;
            double maxRef = 0;
            for (int i = 0; i < logits.length; i++) {
                float ref = Float.parseFloat(cells[3 + i]);
                maxDiff = Math.max(maxDiff, Math.abs(logits[i] - ref));
                maxRef = Math.max(maxRef, Math.abs(ref));
            }
            assertTrue(maxDiff <= 1e-4 * Math.max(1, maxRef), cells[0] + ": max |kiln - pytorch| = " + maxDiff);
            if (top1 == label) {
                correct++;
            }
        }
        int images = rows.size() - 1;
        assertEquals(50, images, "digits/pytorch.csv lists the 50 committed images");
        assertTrue(disagreements.isEmpty(), "top-1 differs from PyTorch's: " + disagreements);
        double accuracy = (double) correct / images;
        System.out.printf("held-out digits: %d/%d right (%.1f%%), top-1 equal to PyTorch's on all%n",
                correct, images, 100 * accuracy);
        assertTrue(accuracy >= 0.95, "accuracy " + accuracy + " < 0.95");
    }
}
