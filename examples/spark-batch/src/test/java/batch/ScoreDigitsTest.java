package batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import batch.model.Digits;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The job in Spark's local mode with two cores, as spark-submit would run it: generate a data
 * set, score it, then score the same images with the generated class outside Spark and compare.
 */
class ScoreDigitsTest {
    private static final long ROWS = 20_000;

    @Test
    void sparkPredictsWhatTheClassPredictsOutsideSpark() {
        String dir = new File("target/spark-batch-test").getAbsolutePath();
        String images = dir + "/images";
        String predictions = dir + "/predictions";
        SparkSession spark = SparkSession.builder()
                .master("local[2]")
                .appName("ScoreDigitsTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        List<Row> scored;
        try {
            ScoreDigits.run(spark, new String[] {"generate", Long.toString(ROWS), images});
            ScoreDigits.run(spark, new String[] {"score", images, predictions});
            scored = spark.read().parquet(predictions).orderBy("id").collectAsList();
        } finally {
            spark.stop();
        }

        // The same class outside Spark: its own instance, one thread, the same images.
        Digits model = Digits.load();
        model.setThreads(1);
        Scorer scorer = new Scorer(model);
        assertEquals(ROWS, scored.size());
        List<String> differences = new ArrayList<>();
        int[] perDigit = new int[10];
        long start = System.nanoTime();
        for (int i = 0; i < scored.size(); i++) {
            Row row = scored.get(i);
            assertEquals(i, row.getLong(0), "ids 0.." + (ROWS - 1) + ", each once");
            Scorer.Prediction expected = scorer.score(i, ScoreDigits.syntheticPixels(i));
            int digit = row.getInt(1);
            float probability = row.getFloat(2);
            // Bit-identical: same code, same weights, one thread per run on both sides.
            if (digit != expected.digit || Float.floatToIntBits(probability) != Float.floatToIntBits(expected.probability)) {
                differences.add("id " + i + ": Spark " + digit + " (" + probability + "), outside Spark "
                        + expected.digit + " (" + expected.probability + ")");
            }
            perDigit[digit]++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("outside Spark, one thread: %d rows in %.2f s: %.0f rows/s%n", ROWS, seconds, ROWS / seconds);
        System.out.println("predicted digits 0..9: " + java.util.Arrays.toString(perDigit));
        assertTrue(differences.isEmpty(), differences.size() + " rows differ, e.g. "
                + differences.subList(0, Math.min(5, differences.size())));
    }
}
