package dev.kiln.runtime;

/** Math functions that {@link Math} lacks, accurate to float precision. */
public final class KilnMath {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    /*
     * The Maclaurin series of erf, 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)), as the
     * coefficients Sn of x^(2n+1), so that a call is a chain of multiply-adds and no divisions
     * (the divisions of the term-by-term sum made GELU's erf a fifth of the scalar back end's
     * time on LowFormer). Fields rather than an array: the JIT folds static final values, not
     * array elements. Fourteen terms reach 1e-16 below 0.5.
     */
    private static final double S0 = series(0);
    private static final double S1 = series(1);
    private static final double S2 = series(2);
    private static final double S3 = series(3);
    private static final double S4 = series(4);
    private static final double S5 = series(5);
    private static final double S6 = series(6);
    private static final double S7 = series(7);
    private static final double S8 = series(8);
    private static final double S9 = series(9);
    private static final double S10 = series(10);
    private static final double S11 = series(11);
    private static final double S12 = series(12);
    private static final double S13 = series(13);

    private KilnMath() {
    }

    /** The coefficient of x^(2n+1) in the Maclaurin series of erf. */
    private static double series(int n) {
        double factorial = 1;
        for (int i = 2; i <= n; i++) {
            factorial *= i;
        }
        return (n % 2 == 0 ? 1 : -1) * TWO_OVER_SQRT_PI / (factorial * (2 * n + 1));
    }

    /**
     * The error function. Below 0.5 in magnitude its Taylor series, to eight terms (the
     * ninth is below 2e-11 of the result, far under a float's rounding); above, as
     * {@link #erf(double)}.
     */
    public static float erf(float x) {
        double d = x;
        if (Math.abs(d) < 0.5) {
            double x2 = d * d;
            // x * (...) keeps the sign of -0.
            return (float) (d * (S0 + x2 * (S1 + x2 * (S2 + x2 * (S3 + x2 * (S4 + x2 * (S5 + x2 * (S6
                    + x2 * S7))))))));
        }
        return (float) erf(d);
    }

    /**
     * The error function. Below 0.5 in magnitude a Taylor series (relative error
     * near 1e-16); above, 1 - erfc(x) with the Chebyshev fit of Press et al.,
     * Numerical Recipes 6.2, whose fractional error is below 1.2e-7.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z < 0.5) {
            double x2 = x * x;
            // x * (...) keeps the sign of -0.
            return x * (S0 + x2 * (S1 + x2 * (S2 + x2 * (S3 + x2 * (S4 + x2 * (S5 + x2 * (S6 + x2 * (S7
                    + x2 * (S8 + x2 * (S9 + x2 * (S10 + x2 * (S11 + x2 * (S12 + x2 * S13)))))))))))));
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
