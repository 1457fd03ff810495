package batch;

import java.util.Iterator;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark job that scores 8x8 grey images with the digits model that kiln:generate compiled into
 * {@code batch.model.Digits}: plain Java in the job's jar, so executors need no native library.
 *
 * <pre>
 * spark-submit --class batch.ScoreDigits spark-batch-1.0.jar generate ROWS IMAGES
 * spark-submit --class batch.ScoreDigits spark-batch-1.0.jar score IMAGES PREDICTIONS
 * </pre>
 *
 * <p>IMAGES is a Parquet data set with columns {@code id} (bigint) and {@code pixels} (binary:
 * 64 bytes, an 8x8 grey image, row-major, white ink on black); PREDICTIONS gets {@code id},
 * {@code digit} and {@code probability}. {@code generate} writes ROWS synthetic images (seeded
 * random ink, for checks and timing: they are not handwriting).
 */
public final class ScoreDigits {
    static final StructType IMAGES = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("pixels", DataTypes.BinaryType, false);
    static final StructType PREDICTIONS = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("digit", DataTypes.IntegerType, false)
            .add("probability", DataTypes.FloatType, false);
    private static final String USAGE = "usage: ScoreDigits generate ROWS IMAGES | ScoreDigits score IMAGES PREDICTIONS";

    private ScoreDigits() {
    }

    public static void main(String[] args) {
        SparkSession spark = SparkSession.builder().appName("kiln-spark-batch").getOrCreate();
        try {
            run(spark, args);
        } finally {
            spark.stop();
        }
    }

    static void run(SparkSession spark, String[] args) {
        if (args.length == 3 && args[0].equals("generate")) {
            generate(spark, Long.parseLong(args[1]), args[2]);
        } else if (args.length == 3 && args[0].equals("score")) {
            score(spark, args[1], args[2]);
        } else {
            throw new IllegalArgumentException(USAGE);
        }
    }

    /** Writes {@code rows} synthetic images, ids 0 to rows - 1, as Parquet. */
    static void generate(SparkSession spark, long rows, String path) {
        spark.range(rows)
                .map((MapFunction<Long, Row>) id -> RowFactory.create(id, syntheticPixels(id)), Encoders.row(IMAGES))
                .write().mode(SaveMode.Overwrite).parquet(path);
        System.out.printf("wrote %d synthetic images to %s%n", rows, path);
    }

    /** The image with this id: each pixel ink (128..255) with probability 0.4, else black. */
    static byte[] syntheticPixels(long id) {
        SplittableRandom random = new SplittableRandom(id);
        byte[] pixels = new byte[64];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (random.nextDouble() < 0.4 ? random.nextInt(128, 256) : 0);
        }
        return pixels;
    }

    /** Scores every image of the Parquet data set {@code in}; writes the predictions to {@code out}. */
    static void score(SparkSession spark, String in, String out) {
        Dataset<Row> images = spark.read().parquet(in);
        StructType schema = images.schema();
        if (!hasColumn(schema, "id", DataTypes.LongType) || !hasColumn(schema, "pixels", DataTypes.BinaryType)) {
            throw new IllegalArgumentException(in + ": expected columns id (bigint) and pixels (binary, an 8x8 grey"
                    + " image), found " + schema.simpleString());
        }
        int idField = schema.fieldIndex("id");
        int pixelsField = schema.fieldIndex("pixels");
        long rows = images.count();

        Dataset<Row> predictions = images.mapPartitions(
                (MapPartitionsFunction<Row, Row>) partition -> predict(partition, idField, pixelsField),
                Encoders.row(PREDICTIONS));
        long start = System.nanoTime();
        predictions.write().mode(SaveMode.Overwrite).parquet(out);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("scored %d rows in %.2f s: %.0f rows/s (%d partitions, master %s)%n", rows, seconds,
                rows / seconds, images.rdd().getNumPartitions(), spark.sparkContext().master());
    }

    private static boolean hasColumn(StructType schema, String name, org.apache.spark.sql.types.DataType type) {
        return schema.getFieldIndex(name).isDefined() && schema.apply(name).dataType().equals(type);
    }

    /** Runs on an executor, once per partition: the rows are scored as Spark pulls them. */
    private static Iterator<Row> predict(Iterator<Row> images, int idField, int pixelsField) {
        Scorer scorer = new Scorer(ExecutorModel.DIGITS);
        return new Iterator<Row>() {
            @Override
            public boolean hasNext() {
                return images.hasNext();
            }

            @Override
            public Row next() {
                Row image = images.next();
                long id = image.getLong(idField);
                Scorer.Prediction p = scorer.score(id, (byte[]) image.get(pixelsField));
                return RowFactory.create(id, p.digit, p.probability);
            }
        };
    }
}
