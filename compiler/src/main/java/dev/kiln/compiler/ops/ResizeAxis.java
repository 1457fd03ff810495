package dev.kiln.compiler.ops;

/**
 * One axis of a Resize: for each output index, the {@code taps} input indices it
 * reads and their weights, following the ONNX reference implementation (source
 * coordinate by coordinate_transformation_mode, then nearest rounding or linear /
 * cubic coefficients, optionally antialiased, with edge indices clamped).
 *
 * @param in the input extent
 * @param out the output extent
 * @param taps input elements read per output index
 * @param index {@code out * taps} input indices; -1 in the first tap marks a position outside a
 *     tf_crop_and_resize crop, which takes extrapolation_value
 * @param weight {@code out * taps} weights
 */
public record ResizeAxis(long in, long out, int taps, int[] index, double[] weight) {
    /** The interpolation attributes shared by all axes. */
    record Method(String mode, String transform, String nearestMode, double cubicA, boolean excludeOutside,
                  boolean antialias) {
    }

    /** Whether output index o is input index o on this axis: the axis is not resized. */
    public boolean isIdentity() {
        if (in != out || !isGather()) {
            return false;
        }
        for (int o = 0; o < out; o++) {
            if (index[o] != o) {
                return false;
            }
        }
        return true;
    }

    /** Whether each output index reads exactly one input index with weight 1 (nearest, or an exact scale). */
    public boolean isGather() {
        if (taps != 1) {
            return false;
        }
        for (int o = 0; o < out; o++) {
            if (index[o] >= 0 && weight[o] != 1) {
                return false;
            }
        }
        return true;
    }

    /** Whether some output index lies outside the crop and takes extrapolation_value. */
    public boolean extrapolates() {
        for (int o = 0; o < out; o++) {
            if (index[o * taps] < 0) {
                return true;
            }
        }
        return false;
    }

    static ResizeAxis of(Method m, long in, long out, double scale, double roiStart, double roiEnd) {
        double[][] coeffs = new double[(int) out][];
        long[] first = new long[(int) out];
        boolean[] outside = new boolean[(int) out];
        for (int o = 0; o < out; o++) {
            double x = source(m.transform(), o, in, out, scale, roiStart, roiEnd);
            if (m.transform().equals("tf_crop_and_resize") && (x < 0 || x > in - 1)) {
                outside[o] = true;
                coeffs[o] = new double[] {0};
                continue;
            }
            // base and ratio in (0, 1]: an integral x counts as the right end of [x - 1, x]
            long base = (long) Math.ceil(x) - 1;
            double ratio = x - base;
            double[] c = coefficients(m, ratio, scale);
            first[o] = base - c.length / 2 + 1;
            if (m.excludeOutside()) {
                double sum = 0;
                for (int t = 0; t < c.length; t++) {
                    long i = first[o] + t;
                    c[t] = i < 0 || i >= in ? 0 : c[t];
                    sum += c[t];
                }
                for (int t = 0; t < c.length; t++) {
                    c[t] /= sum;
                }
            }
            coeffs[o] = c;
        }
        return compact(in, out, first, coeffs, outside);
    }

    /** The input coordinate output index o maps to. */
    private static double source(String transform, long o, long in, long out, double scale, double roiStart,
                                 double roiEnd) {
        // The reference implementation (and so the node tests) uses the unrounded output length here;
        // ONNX Runtime uses the rounded one, which differs for align_corners with a fractional scale * in.
        double length = scale * in;
        return switch (transform) {
            case "half_pixel" -> (o + 0.5) / scale - 0.5;
            case "half_pixel_symmetric" -> {
                double offset = in / 2.0 * (1 - out / length);
                yield offset + (o + 0.5) / scale - 0.5;
            }
            case "pytorch_half_pixel" -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
            case "align_corners" -> length == 1 ? 0 : o * (in - 1) / (length - 1);
            case "asymmetric" -> o / scale;
            case "tf_half_pixel_for_nn" -> (o + 0.5) / scale;
            case "tf_crop_and_resize" -> (length == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                    : o * (roiEnd - roiStart) * (in - 1) / (length - 1)) + roiStart * (in - 1);
            default -> throw new IllegalArgumentException(transform);
        };
    }

    /** The weights of input indices base - n/2 + 1 ... base + n/2 for ratio = x - base. */
    private static double[] coefficients(Method m, double ratio, double scale) {
        switch (m.mode()) {
            case "nearest" -> {
                boolean up = switch (m.nearestMode()) {
                    case "round_prefer_floor" -> ratio > 0.5;
                    case "round_prefer_ceil" -> ratio >= 0.5;
                    case "floor" -> ratio == 1;
                    default -> true; // ceil
                };
                return up ? new double[] {0, 1} : new double[] {1, 0};
            }
            case "linear" -> {
                return m.antialias() ? linearAntialias(ratio, Math.min(scale, 1)) : new double[] {1 - ratio, ratio};
            }
            default -> {
                return m.antialias() ? cubicAntialias(ratio, Math.min(scale, 1), m.cubicA()) : cubic(ratio, m.cubicA());
            }
        }
    }

    private static double[] cubic(double r, double a) {
        return new double[] {cubicKernel(r + 1, a), cubicKernel(r, a), cubicKernel(1 - r, a), cubicKernel(2 - r, a)};
    }

    /** Keys' cubic convolution kernel with parameter a, at distance d. */
    private static double cubicKernel(double d, double a) {
        d = Math.abs(d);
        if (d <= 1) {
            return ((a + 2) * d - (a + 3)) * d * d + 1;
        }
        if (d < 2) {
            return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
        }
        return 0;
    }

    /** The triangle filter stretched by 1/scale, normalised. */
    private static double[] linearAntialias(double ratio, double scale) {
        int start = (int) Math.floor(-1 / scale) + 1;
        double[] c = new double[2 - 2 * start];
        for (int t = 0; t < c.length; t++) {
            c[t] = Math.max(0, 1 - Math.abs((start + t - ratio) * scale));
        }
        return normalised(c);
    }

    /** The cubic kernel stretched by 1/scale, normalised. */
    private static double[] cubicAntialias(double ratio, double scale, double a) {
        int start = (int) Math.floor(-2 / scale) + 1;
        double[] c = new double[2 - 2 * start];
        for (int t = 0; t < c.length; t++) {
            c[t] = cubicKernel(scale * (start + t - ratio), a);
        }
        return normalised(c);
    }

    private static double[] normalised(double[] c) {
        double sum = 0;
        for (double v : c) {
            sum += v;
        }
        for (int t = 0; t < c.length; t++) {
            c[t] /= sum;
        }
        return c;
    }

    /**
     * Clamps indices to the edge and merges the taps that land on the same index; when every
     * output index then reads one input index the axis becomes a plain gather (one tap).
     */
    private static ResizeAxis compact(long in, long out, long[] first, double[][] coeffs, boolean[] outside) {
        int taps = 1;
        int[][] idx = new int[(int) out][];
        double[][] wt = new double[(int) out][];
        for (int o = 0; o < out; o++) {
            java.util.TreeMap<Integer, Double> merged = new java.util.TreeMap<>();
            for (int t = 0; t < coeffs[o].length; t++) {
                if (coeffs[o][t] != 0 || outside[o]) {
                    int i = outside[o] ? -1 : (int) Math.max(0, Math.min(in - 1, first[o] + t));
                    merged.merge(i, coeffs[o][t], Double::sum);
                }
            }
            if (merged.isEmpty()) {
                merged.put((int) Math.max(0, Math.min(in - 1, first[o])), 0.0);
            }
            idx[o] = merged.keySet().stream().mapToInt(Integer::intValue).toArray();
            wt[o] = merged.values().stream().mapToDouble(Double::doubleValue).toArray();
            taps = Math.max(taps, idx[o].length);
        }
        int[] index = new int[(int) out * taps];
        double[] weight = new double[(int) out * taps];
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < taps; t++) {
                // pad short rows with a zero-weight read of their first index
                boolean real = t < idx[o].length;
                index[o * taps + t] = idx[o][real ? t : 0];
                weight[o * taps + t] = real ? wt[o][t] : 0;
            }
        }
        return new ResizeAxis(in, out, taps, index, weight);
    }
}
