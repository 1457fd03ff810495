package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.ClassName;
import dev.kiln.codegen.expr.IndexMath;

/** The Vector API types vector kernels name. */
final class Vectors {
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");

    private Vectors() {
    }

    /**
     * {@code ws[wso + first] + ws[wso + first + 1] + ...}, the {@code lanes} floats a vector
     * stored at {@code first} of the workspace, added left to right: a sum across lanes in a
     * fixed order ({@code reduceLanes} leaves its order unspecified).
     */
    static String laneSum(int first, int lanes) {
        StringBuilder sum = new StringBuilder();
        for (int l = 0; l < lanes; l++) {
            sum.append(l == 0 ? "" : " + ").append("ws[wso").append(IndexMath.plus(first + l)).append("]");
        }
        return sum.toString();
    }
}
