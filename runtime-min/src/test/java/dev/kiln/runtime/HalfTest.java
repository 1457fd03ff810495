package dev.kiln.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * float16 (IEEE 754 binary16) and bfloat16 conversions against bit patterns that
 * follow from the formats' definitions: 1 sign, 5 exponent (bias 15) and 10
 * fraction bits; bfloat16 is the top half of a float32. Rounding is to nearest, ties to even.
 */
class HalfTest {
    private static short h(int bits) {
        return (short) bits;
    }

    private static int bits(short s) {
        return s & 0xFFFF;
    }

    @Test
    void float16KnownValues() {
        assertEquals(0x3C00, bits(Half.fromFloat(1f)));
        assertEquals(0xC000, bits(Half.fromFloat(-2f)));
        assertEquals(0x3555, bits(Half.fromFloat(1f / 3)));
        assertEquals(0x7BFF, bits(Half.fromFloat(65504f)), "largest finite");
        assertEquals(0x0400, bits(Half.fromFloat(0x1p-14f)), "smallest normal");
        assertEquals(0x03FF, bits(Half.fromFloat(1023 * 0x1p-24f)), "largest subnormal");
        assertEquals(0x0001, bits(Half.fromFloat(0x1p-24f)), "smallest subnormal");
        assertEquals(0x0000, bits(Half.fromFloat(0f)));
        assertEquals(0x8000, bits(Half.fromFloat(-0f)));
        assertEquals(0x7C00, bits(Half.fromFloat(Float.POSITIVE_INFINITY)));
        assertEquals(0xFC00, bits(Half.fromFloat(Float.NEGATIVE_INFINITY)));

        assertEquals(1f, Half.toFloat(h(0x3C00)));
        assertEquals(65504f, Half.toFloat(h(0x7BFF)));
        assertEquals(0x1p-24f, Half.toFloat(h(0x0001)));
        assertEquals(-0x1p-24f, Half.toFloat(h(0x8001)));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Half.toFloat(h(0x8000))));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(h(0x7C00)));
        assertEquals(Float.NEGATIVE_INFINITY, Half.toFloat(h(0xFC00)));
    }

    @Test
    void float16RoundsToNearestEvenIncludingOverflowAndUnderflow() {
        assertEquals(0x3C00, bits(Half.fromFloat(1 + 0x1p-11f)), "tie between 0x3C00 and 0x3C01 goes to even");
        assertEquals(0x3C02, bits(Half.fromFloat(1 + 3 * 0x1p-11f)), "tie between 0x3C01 and 0x3C02 goes to even");
        assertEquals(0x3C01, bits(Half.fromFloat(Math.nextUp(1 + 0x1p-11f))));
        assertEquals(0x7C00, bits(Half.fromFloat(65520f)), "the tie above 65504 rounds to even, which is infinity");
        assertEquals(0x7BFF, bits(Half.fromFloat(Math.nextDown(65520f))));
        assertEquals(0x7C00, bits(Half.fromFloat(1e10f)));
        assertEquals(0x0000, bits(Half.fromFloat(0x1p-25f)), "half the smallest subnormal ties to zero");
        assertEquals(0x0001, bits(Half.fromFloat(Math.nextUp(0x1p-25f))));
        assertEquals(0x0002, bits(Half.fromFloat(3 * 0x1p-25f)), "tie between subnormals 1 and 2 goes to 2");
        assertEquals(0x8000, bits(Half.fromFloat(-0x1p-26f)));
        assertEquals(0x0400, bits(Half.fromFloat(1023.5f * 0x1p-24f)), "largest subnormal rounds up to the smallest normal");
    }

    @Test
    void float16NaNStaysNaN() {
        for (int f : new int[] {0x7FC00000, 0x7F800001, 0xFF800001, 0x7FFFFFFF}) {
            short s = Half.fromFloat(Float.intBitsToFloat(f));
            assertEquals(0x7C00, bits(s) & 0x7C00, Integer.toHexString(f));
            assertTrue((bits(s) & 0x3FF) != 0, "NaN " + Integer.toHexString(f) + " became infinity");
            assertTrue(Float.isNaN(Half.toFloat(s)));
        }
        assertTrue(Float.isNaN(Half.toFloat(h(0x7E00))));
        assertTrue(Float.isNaN(Half.toFloat(h(0xFC01))));
    }

    /** Every non-NaN float16 converts to float and back to itself. */
    @Test
    void float16RoundTripsExhaustively() {
        for (int b = 0; b < 0x10000; b++) {
            if ((b & 0x7C00) == 0x7C00 && (b & 0x3FF) != 0) {
                continue;
            }
            assertEquals(b, bits(Half.fromFloat(Half.toFloat(h(b)))), Integer.toHexString(b));
        }
    }

    /**
     * Between every two neighbouring finite float16 values, the exact midpoint rounds to
     * the one with an even fraction, and the floats just beside it to the nearer one.
     */
    @Test
    void float16MidpointsExhaustively() {
        for (int sign : new int[] {0, 0x8000}) {
            for (int b = 0; b < 0x7BFF; b++) {
                float lo = Half.toFloat(h(sign | b));
                float hi = Half.toFloat(h(sign | (b + 1)));
                float mid = (lo + hi) / 2; // exact: 12 significant bits
                int even = (b & 1) == 0 ? b : b + 1;
                assertEquals(sign | even, bits(Half.fromFloat(mid)), "midpoint above " + Integer.toHexString(b));
                float towardLo = sign == 0 ? Math.nextDown(mid) : Math.nextUp(mid);
                float towardHi = sign == 0 ? Math.nextUp(mid) : Math.nextDown(mid);
                assertEquals(sign | b, bits(Half.fromFloat(towardLo)));
                assertEquals(sign | (b + 1), bits(Half.fromFloat(towardHi)));
            }
        }
    }

    @Test
    void bfloat16KnownValuesAndRounding() {
        assertEquals(0x3F80, bits(Half.floatToBfloat16(1f)));
        assertEquals(0xC000, bits(Half.floatToBfloat16(-2f)));
        assertEquals(0x8000, bits(Half.floatToBfloat16(-0f)));
        assertEquals(0x7F80, bits(Half.floatToBfloat16(Float.POSITIVE_INFINITY)));
        assertEquals(0xFF80, bits(Half.floatToBfloat16(Float.NEGATIVE_INFINITY)));
        assertEquals(0x3F80, bits(Half.floatToBfloat16(Float.intBitsToFloat(0x3F808000))), "tie to even (down)");
        assertEquals(0x3F82, bits(Half.floatToBfloat16(Float.intBitsToFloat(0x3F818000))), "tie to even (up)");
        assertEquals(0x3F81, bits(Half.floatToBfloat16(Float.intBitsToFloat(0x3F808001))));
        assertEquals(0x3F80, bits(Half.floatToBfloat16(Float.intBitsToFloat(0x3F807FFF))));
        assertEquals(0x7F80, bits(Half.floatToBfloat16(Float.MAX_VALUE)), "rounds past the largest finite to infinity");
        assertEquals(0x0002, bits(Half.floatToBfloat16(Float.intBitsToFloat(0x00018000))), "subnormal tie to even");
        assertEquals(0x0001, bits(Half.floatToBfloat16(Float.intBitsToFloat(0x00010000))), "subnormal kept exactly");

        assertEquals(1f, Half.bfloat16ToFloat(h(0x3F80)));
        assertEquals(Float.intBitsToFloat(0x00010000), Half.bfloat16ToFloat(h(0x0001)));
        assertEquals(Float.NEGATIVE_INFINITY, Half.bfloat16ToFloat(h(0xFF80)));
        for (int f : new int[] {0x7FC00000, 0x7F800001, 0xFF800001, 0x7FFFFFFF}) {
            short s = Half.floatToBfloat16(Float.intBitsToFloat(f));
            assertTrue(Float.isNaN(Half.bfloat16ToFloat(s)), "NaN " + Integer.toHexString(f));
        }
    }

    @Test
    void bfloat16RoundTripsExhaustively() {
        for (int b = 0; b < 0x10000; b++) {
            if ((b & 0x7F80) == 0x7F80 && (b & 0x7F) != 0) {
                continue;
            }
            assertEquals(b, bits(Half.floatToBfloat16(Half.bfloat16ToFloat(h(b)))), Integer.toHexString(b));
        }
    }
}
