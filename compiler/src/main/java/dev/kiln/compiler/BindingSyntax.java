package dev.kiln.compiler;

/**
 * How the user writes input bindings where the compile was started, so that an error
 * names the setting that fixes it: {@code --dim batch=1} on the command line,
 * {@code <dim>batch=1</dim>} in the Maven plugin's configuration. Each format takes
 * the name and the value, in that order.
 *
 * @param shapeFormat a whole input shape, e.g. {@code --shape %s=%s}
 * @param dimFormat the size of a symbolic dimension, e.g. {@code --dim %s=%s}
 * @param constantFormat an input that becomes a constant read from a file, e.g. {@code --const %s=%s}
 */
public record BindingSyntax(String shapeFormat, String dimFormat, String constantFormat) {
    /** The {@code kiln} command's options. */
    public static final BindingSyntax COMMAND_LINE = new BindingSyntax("--shape %s=%s", "--dim %s=%s", "--const %s=%s");

    /** {@code --shape input=1x3x224x224}; {@code dims} as written there, e.g. {@code 1x3x224x224}. */
    public String shape(String input, String dims) {
        return String.format(shapeFormat, input, dims);
    }

    /** {@code --shape input=1x3x224x224}. */
    public String shape(String input, long[] dims) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return shape(input, s.toString());
    }

    /** {@code --dim batch=1}. */
    public String dim(String symbol, Object value) {
        return String.format(dimFormat, symbol, value);
    }

    /** {@code --const input=FILE}. */
    public String constant(String input, String file) {
        return String.format(constantFormat, input, file);
    }
}
