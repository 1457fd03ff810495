package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.ClassName;

/** The Vector API types vector kernels name. */
final class Vectors {
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");

    private Vectors() {
    }
}
