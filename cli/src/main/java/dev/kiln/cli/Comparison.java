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
        if (kiln.length != ref.length) {
            return new Comparison(reference, output, Double.NaN, Double.NaN, Double.NaN,
                    "Kiln's output has " + kiln.length + " values, the reference " + ref.length);
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < ref.length; i++) {
            boolean nanK = Float.isNaN(kiln[i]);
            boolean nanR = Float.isNaN(ref[i]);
            if (nanK || nanR) {
                maxDiff = nanK && nanR ? maxDiff : Double.POSITIVE_INFINITY;
                continue;
            }
            maxDiff = Math.max(maxDiff, Math.abs((double) kiln[i] - ref[i]));
            maxRef = Math.max(maxRef, Math.abs((double) ref[i]));
        }
        return new Comparison(reference, output, maxDiff, maxRef, tolerance * Math.max(1, maxRef), null);
    }

    boolean passed() {
        return problem == null && maxAbsDiff <= bound;
    }

    /** Like {@code onnxruntime 'logits': max |kiln - ref| = 1.2e-06 <= 2.1e-04 (max |ref| 2.1): ok}. */
    String describe() {
        return reference + " '" + output + "': " + verdict();
    }

    /** Like {@code max |kiln - ref| = 1.2e-06 <= 2.1e-04 (max |ref| 2.1): ok}. */
    String verdict() {
        if (problem != null) {
            return problem + ": FAILED";
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
