package dev.kiln.cli;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Value;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** The run-time inputs of a compiled model, read from raw float32 files or made up from a seed. */
final class ModelInputs {
    private ModelInputs() {
    }

    /** One array per run-time input, in graph order, read from {@code files} (one file per input). */
    static float[][] read(Graph graph, List<Path> files) {
        List<Value> inputs = graph.inputs();
        if (files.size() != inputs.size()) {
            throw new KilnException("the model has " + inputs.size() + " run-time input" + (inputs.size() == 1 ? "" : "s")
                    + " (" + names(inputs) + ") but " + files.size() + " --input file" + (files.size() == 1 ? "" : "s")
                    + " were given; give one per input, in that order (or bind inputs with --const)");
        }
        float[][] data = new float[inputs.size()][];
        for (int i = 0; i < data.length; i++) {
            Value v = checkFloat(inputs.get(i));
            data[i] = RawFloats.read(files.get(i), v.type().dims(), "--input (input '" + v.name() + "')");
        }
        return data;
    }

    /** Standard-normal values for every run-time input, from {@code seed}. */
    static float[][] random(Graph graph, long seed) {
        Random random = new Random(seed);
        float[][] data = new float[graph.inputs().size()][];
        for (int i = 0; i < data.length; i++) {
            data[i] = new float[checkFloat(graph.inputs().get(i)).type().intSize()];
            for (int j = 0; j < data[i].length; j++) {
                data[i][j] = (float) random.nextGaussian();
            }
        }
        return data;
    }

    private static Value checkFloat(Value v) {
        if (v.type().elementType() != ElementType.FLOAT) {
            throw new KilnException("input '" + v.name() + "' is " + v.type().elementType().onnxName()
                    + "; only float inputs can be read from raw float32 files: bind it with --const "
                    + v.name() + "=FILE.pb");
        }
        return v;
    }

    private static String names(List<Value> values) {
        return String.join(", ", values.stream().map(v -> "'" + v.name() + "' " + v.type()).toList());
    }
}
