package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.conformance.TensorComparison;
import dev.kiln.compiler.ir.Tensor;
import java.util.List;

/** How the tests compare Kiln's outputs with a reference's (ONNX Runtime, PyTorch). */
final class Agreement {
    private Agreement() {
    }

    /** Every output identical in type, shape and bits: for kernels that only move elements. */
    static void assertIdentical(List<Tensor> expected, List<Tensor> actual, String what) {
        assertEquals(expected.size(), actual.size(), what + ": output count");
        for (int i = 0; i < expected.size(); i++) {
            Tensor e = expected.get(i);
            Tensor a = actual.get(i);
            assertEquals(e.type(), a.type(), what + ": type of output " + i);
            assertTrue(e.contentEquals(a), what + ": output " + i + " differs: expected " + e + ", got " + a);
        }
    }

    /** Every output within {@link TensorComparison#mismatch}'s rtol and atol of the reference. */
    static void assertClose(List<Tensor> expected, List<Tensor> actual, double rtol, double atol, String what) {
        assertEquals(expected.size(), actual.size(), what + ": output count");
        for (int i = 0; i < expected.size(); i++) {
            assertNull(TensorComparison.mismatch(expected.get(i), actual.get(i), rtol, atol), what + ": output " + i);
        }
    }

    /** max |a - ref| / max(1, max |ref|); infinite when a value of {@code actual} is NaN. */
    static double relativeError(double[] actual, double[] reference) {
        if (actual.length != reference.length) {
            throw new AssertionError(actual.length + " values, expected " + reference.length);
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < reference.length; i++) {
            if (Double.isNaN(actual[i])) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - reference[i]));
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
        }
        return maxDiff / Math.max(1, maxRef);
    }

    /** The same for floats (computed in double). */
    static double relativeError(float[] actual, float[] reference) {
        return relativeError(toDoubles(actual), toDoubles(reference));
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
