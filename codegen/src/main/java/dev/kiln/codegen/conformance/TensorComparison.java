package dev.kiln.codegen.conformance;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import java.util.Arrays;

/**
 * Compares an output with its expected value the way ONNX's backend test runner
 * does: same shape and element type, strings and bools exactly equal, numbers
 * within {@code |actual - expected| <= atol + rtol * |expected|}, NaN equal to NaN.
 */
public final class TensorComparison {
    /** ONNX's default tolerances for the node tests. */
    public static final double RTOL = 1e-3;
    public static final double ATOL = 1e-7;

    private TensorComparison() {
    }

    /** Null if they match; otherwise what differs, in one line. */
    public static String mismatch(Tensor expected, Tensor actual, double rtol, double atol) {
        if (expected.elementType() != actual.elementType()) {
            return "element type " + actual.elementType().onnxName() + ", expected " + expected.elementType().onnxName();
        }
        if (!Arrays.equals(expected.type().dims(), actual.type().dims())) {
            return "shape " + actual.type().shapeString() + ", expected " + expected.type().shapeString();
        }
        ElementType t = expected.elementType();
        int n = expected.size();
        if (t == ElementType.STRING || t == ElementType.BOOL) {
            Object e = expected.data();
            Object a = actual.data();
            for (int i = 0; i < n; i++) {
                if (!java.lang.reflect.Array.get(e, i).equals(java.lang.reflect.Array.get(a, i))) {
                    return "element " + i + " is " + java.lang.reflect.Array.get(a, i) + ", expected "
                            + java.lang.reflect.Array.get(e, i);
                }
            }
            return null;
        }
        int bad = 0;
        int first = -1;
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double e = expected.getDouble(i);
            double a = actual.getDouble(i);
            if (t.isInteger()) {
                // Integers compare exactly (the tolerance formula allows no slack for them in practice).
                if (expected.getLong(i) != actual.getLong(i)) {
                    bad++;
                    first = first < 0 ? i : first;
                }
                continue;
            }
            if (Double.isNaN(e) && Double.isNaN(a)) {
                continue;
            }
            double diff = Math.abs(a - e);
            boolean ok = e == a || diff <= atol + rtol * Math.abs(e);
            if (!ok) {
                bad++;
                if (first < 0) {
                    first = i;
                }
                worst = Math.max(worst, Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff);
            }
        }
        if (bad == 0) {
            return null;
        }
        return bad + " of " + n + " elements differ; first at " + first + ": " + value(actual, first) + ", expected "
                + value(expected, first) + (worst > 0 ? " (largest difference " + worst + ")" : "");
    }

    private static String value(Tensor t, int i) {
        return t.elementType().isFloat() ? Double.toString(t.getDouble(i)) : Long.toString(t.getLong(i));
    }
}
