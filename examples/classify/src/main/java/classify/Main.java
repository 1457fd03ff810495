package classify;

import classify.model.Classifier;
import dev.kiln.runtime.TensorInfo;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Classifies image files with the model that kiln:generate compiled into
 * {@link Classifier} at build time, and prints the top-5 classes with their
 * probabilities and the model's latency. See README.md.
 */
public final class Main {
    /** The bundled digits model's normalisation (train.py's MEAN and STD). */
    static final float DEFAULT_MEAN = 0.3f;
    static final float DEFAULT_STD = 0.4f;

    private static final String USAGE = String.join("\n",
            "usage: java -jar classify-1.0.jar [options] IMAGE...",
            "Classifies PNG, JPEG, GIF or BMP images with the model compiled into classify.model.Classifier.",
            "The defaults suit the bundled digits model; for an ImageNet classifier use",
            "  --resize 256 --mean 0.485,0.456,0.406 --std 0.229,0.224,0.225 --labels FILE",
            "options:",
            "  --resize N     scale the shorter side to N pixels, then cut the model's input size",
            "                 from the centre (default: the model's input size, no crop)",
            "  --mean M[,M,M] subtracted from the 0..1 pixel values, one or one per channel (default 0.3)",
            "  --std S[,S,S]  then divided by (default 0.4)",
            "  --labels FILE  class names, one a line in class order (default: the class numbers)",
            "  --top K        how many classes to print (default 5)",
            "  --threads N    threads one model run uses (default: the available processors)");

    private Main() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("classify: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Returns the exit status: 0, or 1 if an image could not be read. */
    static int run(String[] args) throws IOException {
        TensorInfo input = Classifier.INPUTS.get(0);
        int classes = Classifier.OUTPUTS.get(0).size();
        int resize = (int) Math.max(input.shape()[2], input.shape()[3]);
        float[] mean = {DEFAULT_MEAN};
        float[] std = {DEFAULT_STD};
        String[] labels = null;
        int top = 5;
        int threads = 0;
        List<Path> images = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("-h") || arg.equals("--help")) {
                System.out.println(USAGE);
                return 0;
            } else if (arg.startsWith("--")) {
                if (i + 1 == args.length) {
                    throw new IllegalArgumentException(arg + " needs a value\n" + USAGE);
                }
                String value = args[++i];
                switch (arg) {
                    case "--resize": resize = positive(arg, value); break;
                    case "--mean": mean = floats(arg, value); break;
                    case "--std": std = floats(arg, value); break;
                    case "--labels": labels = readLabels(Paths.get(value), classes); break;
                    case "--top": top = positive(arg, value); break;
                    case "--threads": threads = positive(arg, value); break;
                    default: throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
                }
            } else {
                images.add(Paths.get(arg));
            }
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no image given\n" + USAGE);
        }
        Preprocessing preprocessing = new Preprocessing(input, resize, mean, std);

        Classifier model = Classifier.load();
        if (threads > 0) {
            model.setThreads(threads);
        }
        System.out.println("model " + input + " -> " + Classifier.OUTPUTS.get(0) + ", " + model.threads()
                + " thread" + (model.threads() == 1 ? "" : "s"));
        int failed = 0;
        double[] latencies = new double[images.size()];
        int done = 0;
        for (Path file : images) {
            BufferedImage image;
            try {
                image = Preprocessing.read(file);
            } catch (IOException e) {
                System.err.println("classify: " + e.getMessage());
                failed++;
                continue;
            }
            float[] tensor = preprocessing.toTensor(image);
            long start = System.nanoTime();
            float[] logits = model.run(tensor);
            double millis = (System.nanoTime() - start) / 1e6;
            latencies[done++] = millis;

            System.out.printf("%s (%dx%d): %.3f ms%n", file, image.getWidth(), image.getHeight(), millis);
            double[] p = Ranking.softmax(logits);
            for (int c : Ranking.top(p, top)) {
                System.out.printf("  %7.3f%%  %s%n", 100 * p[c], labels == null ? Integer.toString(c) : labels[c]);
            }
        }
        if (done > 1) {
            double first = latencies[0];
            double[] rest = Arrays.copyOfRange(latencies, 1, done);
            Arrays.sort(rest);
            System.out.printf("%d images: model latency %.3f ms for the first, median %.3f ms for the others%n",
                    done, first, rest[rest.length / 2]);
        }
        return failed == 0 ? 0 : 1;
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive whole number, got '" + value + "'");
    }

    private static float[] floats(String option, String value) {
        String[] parts = value.split(",");
        float[] f = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                f[i] = Float.parseFloat(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " needs numbers separated by commas, got '" + value + "'");
            }
        }
        return f;
    }

    private static String[] readLabels(Path file, int classes) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("--labels " + file + ": no such file");
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        while (!lines.isEmpty() && lines.get(lines.size() - 1).trim().isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        if (lines.size() != classes) {
            throw new IllegalArgumentException("--labels " + file + " has " + lines.size()
                    + " labels; the model has " + classes + " classes");
        }
        return lines.toArray(new String[0]);
    }
}
