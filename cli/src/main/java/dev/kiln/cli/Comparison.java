package dev.kiln.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One output of Kiln against one reference, with the end-to-end criterion
 * {@code max|kiln - ref| <= tolerance * max(1, max|ref|)}. NaN in the same place
 * on both sides counts as equal; NaN on one side only fails.
 *
 * @param reference "onnxruntime" or the reference file
 * @param output the output's name
 * @param problem why the two cannot be compared element by element (e.g. lengths differ), or null
 */
record Comparison(String reference, String output, double maxAbsDiff, double maxAbsRef, double bound, String problem) {

    static Comparison of(String reference, String output, float[] kiln, float[] ref, double tolerance) {
        return of(reference, output, widen(kiln), widen(ref), tolerance);
    }

    /** Like the float version, for values of any element type as doubles; tolerance 0 asks for equality. */
    static Comparison of(String reference, String output, double[] kiln, double[] ref, double tolerance) {
        if (kiln.length != ref.length) {
            return new Comparison(reference, output, Double.NaN, Double.NaN, Double.NaN,
                    "Kiln's output has " + kiln.length + " values, the reference " + ref.length);
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            boolean nanK = Double.isNaN(kiln[i]);
            boolean nanR = Double.isNaN(ref[i]);
            if (nanK || nanR) {
                maxDiff = nanK && nanR ? maxDiff : Double.POSITIVE_INFINITY;
                continue;
            }
            maxDiff = Math.max(maxDiff, Math.abs(kiln[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs(ref[i]));
        }
        return new Comparison(reference, output, maxDiff, maxRef, tolerance * Math.max(1, maxRef), null);
    }

    private static double[] widen(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    boolean passed() {
        return problem == null && maxAbsDiff <= bound;
    }

    /** Like {@code onnxruntime 'logits': max |kiln - ref| = 1.2e-06 <= 2.1e-04 (max |ref| 2.1): ok}. */
    String describe() {
        return reference + " '" + output + "': " + verdict();
    }

    /**
     * Like {@code max |kiln - ref| = 1.2e-06 <= 2.1e-04 (max |ref| 2.1): ok}, or for a bound of 0
     * (integers, booleans) {@code max |kiln - ref| = 0.00, exactly equal as required (max |ref| 7.000): ok}.
     */
    String verdict() {
        if (problem != null) {
            return problem + ": FAILED";
        }
        if (bound == 0) {
            return String.format("max |kiln - ref| = %.3g, exactly equal %s (max |ref| %.4g): %s", maxAbsDiff,
                    passed() ? "as required" : "required", maxAbsRef, passed() ? "ok" : "FAILED");
        }
        return String.format("max |kiln - ref| = %.3g %s %.3g (max |ref| %.4g): %s", maxAbsDiff,
                passed() ? "<=" : ">", bound, maxAbsRef, passed() ? "ok" : "FAILED");
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reference", reference);
        m.put("output", output);
        m.put("maxAbsDiff", maxAbsDiff);
        m.put("maxAbsRef", maxAbsRef);
        m.put("bound", bound);
        m.put("passed", passed());
        if (problem != null) {
            m.put("problem", problem);
        }
        return m;
    }
}
