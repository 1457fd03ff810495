package dev.kiln.maven;

import java.util.ArrayList;
import java.util.List;

/**
 * One model of the {@code <models>} list, as Maven fills it in from the POM. Unset
 * fields take the goal's top-level value (package, target, cpu, standalone, scalarFallback) or the default.
 */
public class ModelEntry {
    /** The model file (.onnx, or .onnxtxt in ONNX's text syntax), relative to the project's base directory. */
    String model;
    String packageName;
    String className;
    String target;
    String cpu;
    Boolean standalone;
    Boolean scalarFallback;
    /** {@code INPUT=1x3x224x224}: an input's whole shape. */
    List<String> shapes = new ArrayList<>();
    /** {@code SYMBOL=1}: a symbolic dimension's value. */
    List<String> dims = new ArrayList<>();
    /** {@code INPUT=path/to/tensor.pb}: an input that becomes a constant (a TensorProto file). */
    List<String> constants = new ArrayList<>();

    public ModelEntry() {
    }

    ModelEntry(String model, String packageName, String className, String target, String cpu, Boolean standalone,
               Boolean scalarFallback, List<String> shapes, List<String> dims, List<String> constants) {
        this.model = model;
        this.packageName = packageName;
        this.className = className;
        this.target = target;
        this.cpu = cpu;
        this.standalone = standalone;
        this.scalarFallback = scalarFallback;
        this.shapes = shapes == null ? new ArrayList<>() : shapes;
        this.dims = dims == null ? new ArrayList<>() : dims;
        this.constants = constants == null ? new ArrayList<>() : constants;
    }
}
