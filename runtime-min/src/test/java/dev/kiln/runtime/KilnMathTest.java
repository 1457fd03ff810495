package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

/**
 * {@link KilnMath#erf} against the Maclaurin series of erf evaluated in 60-digit
 * decimal arithmetic, and the special values IEEE 754 and the ONNX Erf op imply.
 */
class KilnMathTest {
    private static final MathContext MC = new MathContext(60);
    private static final BigDecimal TWO_OVER_SQRT_PI = BigDecimal.valueOf(2).divide(
            new BigDecimal("3.14159265358979323846264338327950288419716939937510582097494").sqrt(MC), MC);
    /** The bound Numerical Recipes gives for the fractional error of its erfc fit. */
    private static final double ERFC_RELATIVE_ERROR = 1.2e-7;

    /** erf(x) = 2/sqrt(pi) * sum (-1)^n x^(2n+1) / (n! (2n+1)), to well below double precision. */
    static double referenceErf(double x) {
        BigDecimal bx = new BigDecimal(x);
        BigDecimal x2 = bx.multiply(bx, MC);
        BigDecimal power = bx; // (-1)^n x^(2n+1) / n!
        BigDecimal sum = BigDecimal.ZERO;
        BigDecimal tiny = new BigDecimal("1e-40");
        for (int n = 0; ; n++) {
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(term, MC);
            if (n > 2 * x * x && term.abs().compareTo(tiny) < 0) {
                break;
            }
            power = power.multiply(x2, MC).divide(BigDecimal.valueOf(-(n + 1)), MC);
        }
        return sum.multiply(TWO_OVER_SQRT_PI, MC).doubleValue();
    }

    @Test
    void doubleErfIsWithinTheDocumentedBoundOfTheSeries() {
        for (int i = -325; i <= 325; i++) {
            double x = i / 50.0 + 0.003;
            double ref = referenceErf(x);
            double bound = ERFC_RELATIVE_ERROR * (1 - Math.abs(ref)) + 1e-15;
            assertTrue(Math.abs(KilnMath.erf(x) - ref) <= bound,
                    "erf(" + x + ") = " + KilnMath.erf(x) + ", reference " + ref);
        }
    }

    @Test
    void taylorBranchIsNearlyExact() {
        for (double x : new double[] {1e-300, 1e-8, 0.01, 0.1, 0.25, 0.4999}) {
            double ref = referenceErf(x);
            assertEquals(ref, KilnMath.erf(x), 4 * Math.ulp(ref), "erf(" + x + ")");
        }
    }

    @Test
    void floatErfIsWithinAnUlpPlusTheFitError() {
        for (int i = -500; i <= 500; i++) {
            float x = i / 100f;
            double ref = referenceErf(x);
            double bound = ERFC_RELATIVE_ERROR * (1 - Math.abs(ref)) + Math.ulp((float) ref);
            assertTrue(Math.abs(KilnMath.erf(x) - ref) <= bound, "erf(" + x + "f) = " + KilnMath.erf(x) + ", reference " + ref);
        }
    }

    /** The float function's eight-term series, below 0.5, on a finer grid and at tiny values. */
    @Test
    void floatSeriesIsWithinAnUlp() {
        for (int i = -5000; i <= 5000; i++) {
            float x = i / 10000f;
            double ref = referenceErf(x);
            assertEquals(ref, KilnMath.erf(x), Math.ulp((float) ref), "erf(" + x + "f)");
        }
        for (float x : new float[] {Float.MIN_VALUE, 1e-30f, 1e-8f, -1e-8f, 0.49999997f, -0.49999997f}) {
            double ref = referenceErf(x);
            assertEquals(ref, KilnMath.erf(x), Math.ulp((float) ref), "erf(" + x + "f)");
        }
    }

    @Test
    void specialValues() {
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(KilnMath.erf(0.0)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(KilnMath.erf(-0.0)), "erf(-0) = -0");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(KilnMath.erf(-0f)), "erf(-0f) = -0f");
        assertEquals(1.0, KilnMath.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, KilnMath.erf(Double.NEGATIVE_INFINITY));
        assertEquals(1f, KilnMath.erf(10f));
        assertTrue(Double.isNaN(KilnMath.erf(Double.NaN)));
        assertTrue(Float.isNaN(KilnMath.erf(Float.NaN)));
    }

    @Test
    void erfIsOdd() {
        for (int i = 0; i <= 700; i++) {
            double x = i / 100.0;
            assertEquals(-KilnMath.erf(x), KilnMath.erf(-x), "erf(-" + x + ")");
        }
    }
}
