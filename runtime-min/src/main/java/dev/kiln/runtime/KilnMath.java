package dev.kiln.runtime;

/** Math functions that {@link Math} lacks, accurate to float precision. */
public final class KilnMath {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;

    private KilnMath() {
    }

    /**
     * The error function. Below 0.5 in magnitude a Taylor series (relative error
     * near 1e-16); above, 1 - erfc(x) with the Chebyshev fit of Press et al.,
     * Numerical Recipes 6.2, whose fractional error is below 1.2e-7.
     */
    public static float erf(float x) {
        return (float) erf((double) x);
    }

    /** The error function in double, accurate to about 1e-7 (see {@link #erf(float)}). */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (x == 0) {
            return x; // keeps the sign of -0, which the series below would lose
        }
        if (z < 0.5) {
            // erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)); 14 terms reach 1e-16 here.
            double x2 = x * x;
            double term = x;
            double sum = x;
            for (int n = 1; n < 14; n++) {
                term *= -x2 / n;
                sum += term / (2 * n + 1);
            }
            return TWO_OVER_SQRT_PI * sum;
        }
        if (z >= 6) {
            return x > 0 ? 1.0 : -1.0; // erfc(6) < 3e-17
        }
        if (Double.isNaN(x)) {
            return x;
        }
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x > 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
