package dev.kiln.codegen;

import javax.lang.model.SourceVersion;

/**
 * How to name and package a compiled model's source. (Everything that shaped the
 * compilation itself, the back end and CPU profile included, is in the
 * compilation's {@link dev.kiln.compiler.CompileOptions}.)
 *
 * @param packageName the generated class's package (default {@code kiln.generated})
 * @param className the generated class's simple name (default: from the model file name)
 * @param standalone whether to copy the runtime classes into the package, so the output needs only a JDK
 * @param scalarFallback for a back end with Vector API kernels: whether a JVM that cannot run them runs
 *     the scalar kernels emitted alongside (true) or refuses to load the model, naming what is missing
 */
public record GenerateOptions(String packageName, String className, boolean standalone, boolean scalarFallback) {
    public static final String DEFAULT_PACKAGE = "kiln.generated";

    public GenerateOptions {
        if (!SourceVersion.isName(packageName) && !packageName.isEmpty()) {
            throw new IllegalArgumentException("'" + packageName + "' is not a valid Java package name");
        }
        if (!SourceVersion.isIdentifier(className) || SourceVersion.isKeyword(className)) {
            throw new IllegalArgumentException("'" + className + "' is not a valid Java class name");
        }
    }

    /** Defaults for a model file: package {@code kiln.generated}, class named after the file, not standalone. */
    public static GenerateOptions defaults(String modelFileName) {
        return new GenerateOptions(DEFAULT_PACKAGE, classNameFor(modelFileName), false, true);
    }

    public GenerateOptions withPackage(String p) {
        return new GenerateOptions(p, className, standalone, scalarFallback);
    }

    public GenerateOptions withClassName(String c) {
        return new GenerateOptions(packageName, c, standalone, scalarFallback);
    }

    public GenerateOptions withStandalone(boolean s) {
        return new GenerateOptions(packageName, className, s, scalarFallback);
    }

    public GenerateOptions withScalarFallback(boolean f) {
        return new GenerateOptions(packageName, className, standalone, f);
    }

    /**
     * The class name for a model file: its base name in UpperCamelCase, with anything
     * that is not a letter or digit as a word break ({@code lowformer_b0_op13.onnx ->
     * LowformerB0Op13}); prefixed with {@code Model} if it would not start with a letter.
     */
    public static String classNameFor(String fileName) {
        String base = fileName.replaceAll("(?i)\\.(onnx|onnxtxt)$", "");
        StringBuilder s = new StringBuilder();
        boolean upper = true;
        for (char c : base.toCharArray()) {
            if (c < 128 && Character.isLetterOrDigit(c)) {
                s.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            } else {
                upper = true;
            }
        }
        if (s.length() == 0 || !Character.isLetter(s.charAt(0))) {
            s.insert(0, "Model");
        }
        return s.toString();
    }
}
