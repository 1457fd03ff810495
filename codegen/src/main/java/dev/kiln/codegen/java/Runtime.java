package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;

/**
 * The runtime classes generated code refers to: those of kiln-runtime-min, or,
 * with {@code --standalone}, their copies in the generated package.
 */
public final class Runtime {
    /** The package of kiln-runtime-min. */
    public static final String PACKAGE = "dev.kiln.runtime";
    /** The classes a standalone build copies into the generated package. */
    public static final String[] CLASSES = {"Half", "KilnMath", "RangeTask", "WeightFile", "WeightFileException",
        "WorkerPool", "TensorInfo", "Casts", "KilnRuntime", "VectorSupport"};

    private final String packageName;

    /** @param packageName where the runtime classes are: {@link #PACKAGE}, or the generated package */
    public Runtime(String packageName) {
        this.packageName = packageName;
    }

    public ClassName get(String simpleName) {
        return ClassName.get(packageName, simpleName);
    }

    public ClassName half() {
        return get("Half");
    }

    public ClassName math() {
        return get("KilnMath");
    }
}
