package dev.kiln.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A model of {@code kiln bench --suite}: which export makes it, its file, its batch,
 * and how many runs it gets. Every model is exported at opset 13 with seeded random
 * weights by the examples' scripts (Debian's /usr/bin/python3), and the file is kept
 * under the suite's model folder for the next run.
 *
 * @param key the name {@code --models} takes
 * @param name the name in the tables
 * @param batch images per call: 1, or 8 for the throughput rows (a dynamic-batch export bound with --dim)
 * @param runs measured runs per engine
 */
record SuiteModel(String key, String name, Family family, int batch, int runs) {
    /** The export script that makes a model. */
    enum Family {
        LOWFORMER("examples/lowformer/export/export.py"),
        TORCHVISION("examples/torchvision/export.py");

        final String script;

        Family(String script) {
            this.script = script;
        }
    }

    static final int OPSET = 13;

    /**
     * Batch 1: 9 measured runs (the java back end needed 0.4 to 0.8 s for B0 and 3 to 5 s
     * for B3 per run on the shared 2-core baseline machine). Batch 8 costs eight times as
     * much: 5, for B0 and B1 only. Each warms up until the JIT is quiet (kiln bench).
     */
    static List<SuiteModel> all() {
        List<SuiteModel> all = new ArrayList<>();
        String[][] lowformer = {{"b0", "B0"}, {"b1", "B1"}, {"b15", "B1.5"}, {"b2", "B2"}, {"b3", "B3"},
            {"e1", "E1"}, {"e2", "E2"}, {"e3", "E3"}};
        for (String[] v : lowformer) {
            all.add(new SuiteModel(v[0], "LowFormer-" + v[1], Family.LOWFORMER, 1, 9));
        }
        for (String m : List.of("resnet18", "mobilenet_v3_small", "efficientnet_b0")) {
            all.add(new SuiteModel(m, m, Family.TORCHVISION, 1, 9));
        }
        all.add(new SuiteModel("b0", "LowFormer-B0", Family.LOWFORMER, 8, 5));
        all.add(new SuiteModel("b1", "LowFormer-B1", Family.LOWFORMER, 8, 5));
        return all;
    }

    /** The exported file's name, as the export script names it. */
    String fileName() {
        return switch (family) {
            case LOWFORMER -> "lowformer_" + key + "_op" + OPSET + (batch > 1 ? "_dynbatch" : "") + ".onnx";
            case TORCHVISION -> key + "_op" + OPSET + ".onnx";
        };
    }

    /**
     * The model file in {@code dir}, exported there first when it is missing, by the
     * script under {@code sourceTree} (the Kiln source tree).
     */
    Path exported(Path sourceTree, Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve(fileName());
        if (Files.exists(file)) {
            return file;
        }
        if (!Files.exists(sourceTree.resolve(family.script))) {
            throw new KilnException(file + " is missing and the script that exports it, " + family.script
                    + ", is not here: run kiln bench --suite from the Kiln source tree");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            throw new KilnException(file + " is missing and exporting it needs Debian's /usr/bin/python3 with "
                    + "python3-torch, python3-onnx and python3-torchvision");
        }
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(exportCommand(sourceTree, dir)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !Files.exists(file)) {
            throw new KilnException("exporting " + file + " failed (" + String.join(" ", exportCommand(sourceTree, dir))
                    + "):\n" + output.strip());
        }
        return file;
    }

    /** The command that exports the model into {@code dir}, with the script under {@code sourceTree}. */
    List<String> exportCommand(Path sourceTree, Path dir) {
        List<String> c = new ArrayList<>(List.of("/usr/bin/python3", sourceTree.resolve(family.script).toString()));
        switch (family) {
            // The batch-8 rows bind a dynamic batch axis; the saved input and output then hold one image.
            case LOWFORMER -> c.addAll(List.of("--variant", key, "--opset", String.valueOf(OPSET),
                    "--dynamic", batch > 1 ? "batch" : "none"));
            case TORCHVISION -> c.addAll(List.of("--model", key, "--opset", String.valueOf(OPSET)));
        }
        c.addAll(List.of("--out", dir.toString()));
        return c;
    }

    /** The binding options that fix the batch. */
    List<String> bindings() {
        return batch > 1 ? List.of("--dim", "batch=" + batch) : List.of();
    }
}
