package dev.kiln.cli;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.TensorProtos;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The options that pin down a model's inputs before compiling, shared by every
 * command that compiles: {@code --shape}, {@code --dim}, {@code --const}.
 */
final class BindingOptions {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--shape", paramLabel = "NAME=AxBxC",
            description = "The whole shape of input NAME, e.g. input=1x3x224x224. With --const NAME=FILE.bin: "
                    + "the shape of that raw float32 constant.")
    private List<String> shapes = new ArrayList<>();

    @Option(names = "--dim", paramLabel = "SYMBOL=N",
            description = "The size of a symbolic input dimension, e.g. batch=1.")
    private List<String> dims = new ArrayList<>();

    @Option(names = "--const", paramLabel = "NAME=FILE",
            description = "Make input NAME a compile-time constant read from FILE: an ONNX TensorProto (.pb), or "
                    + "otherwise raw little-endian float32 whose shape --shape NAME=... gives.")
    private List<String> constants = new ArrayList<>();

    /** The bindings; a malformed option is a usage error (exit 2), an unreadable file a bad input (exit 1). */
    InputBindings toBindings() {
        Map<String, long[]> shapeOf = new LinkedHashMap<>();
        for (String s : shapes) {
            String[] kv = split(s, "--shape", "NAME=AxBxC");
            shapeOf.put(kv[0], parseShape(kv[1], "--shape " + s));
        }
        InputBindings b = new InputBindings();
        Map<String, Path> constFiles = new LinkedHashMap<>();
        for (String c : constants) {
            String[] kv = split(c, "--const", "NAME=FILE");
            constFiles.put(kv[0], Path.of(kv[1]));
        }
        shapeOf.forEach((name, dims) -> {
            if (!constFiles.containsKey(name)) {
                b.shape(name, dims);
            }
        });
        for (String d : dims) {
            String[] kv = split(d, "--dim", "SYMBOL=N");
            b.dim(kv[0], parseSize(kv[1], "--dim " + d));
        }
        constFiles.forEach((name, file) -> b.constant(name, readConstant(name, file, shapeOf.get(name))));
        return b;
    }

    private static Tensor readConstant(String name, Path file, long[] shape) {
        if (file.getFileName().toString().endsWith(".pb")) {
            Tensor t = TensorProtos.read(file);
            if (shape != null && !java.util.Arrays.equals(shape, t.type().dims())) {
                throw new KilnException("--const " + name + "=" + file + " holds a tensor of shape "
                        + t.type().shapeString() + ", but --shape " + name + " says " + TensorType.formatDims(shape));
            }
            return t;
        }
        if (shape == null) {
            throw new KilnException("--const " + name + "=" + file + ": a raw float32 file needs its shape: add --shape "
                    + name + "=AxBxC (or give an ONNX TensorProto file ending in .pb)");
        }
        return Tensor.ofFloats(shape, RawFloats.read(file, shape, "--const " + name));
    }

    private String[] split(String value, String flag, String form) {
        int eq = value.indexOf('=');
        if (eq <= 0 || eq == value.length() - 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    flag + " " + value + ": expected " + form);
        }
        return new String[] {value.substring(0, eq), value.substring(eq + 1)};
    }

    private long[] parseShape(String text, String what) {
        String[] parts = text.split("[x,]", -1);
        long[] dims = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            dims[i] = parseSize(parts[i], what);
        }
        return dims;
    }

    private long parseSize(String text, String what) {
        try {
            long v = Long.parseLong(text.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                what + ": '" + text + "' is not a size (a whole number >= 0)");
    }
}
