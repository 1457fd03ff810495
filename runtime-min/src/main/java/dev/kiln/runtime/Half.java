package dev.kiln.runtime;

/**
 * Conversions between float and the two 16-bit float formats ONNX uses, stored
 * as their raw bits in a {@code short}: IEEE 754 binary16 ("float16") and
 * bfloat16 (the upper half of a float32). Rounding is to nearest, ties to even.
 */
public final class Half {
    private Half() {
    }

    /** The float value of binary16 bits. Exact. */
    public static float toFloat(short bits) {
        int h = bits & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Zero or subnormal: mantissa * 2^-24, exact in float.
            float magnitude = mantissa * 0x1p-24f;
            return sign != 0 ? -magnitude : magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
    }

    /** The binary16 bits nearest to {@code value}; overflow gives infinity, NaN stays NaN. */
    public static short fromFloat(float value) {
        int f = Float.floatToRawIntBits(value);
        int sign = (f >>> 16) & 0x8000;
        int exponent = (f >>> 23) & 0xFF;
        int mantissa = f & 0x7FFFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 112; // rebias from 127 to 15
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal
            }
            int full = mantissa | 0x800000;
            int shift = 14 - e;
            return (short) (sign | roundShift(full, shift));
        }
        int h = (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
            h++; // a carry into the exponent is the right answer, up to infinity
        }
        return (short) (sign | h);
    }

    /** The float value of bfloat16 bits. Exact. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** The bfloat16 bits nearest to {@code value}; NaN stays NaN. */
    public static short floatToBfloat16(float value) {
        int f = Float.floatToRawIntBits(value);
        if ((f & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((f >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((f >>> 16) & 1);
        return (short) ((f + roundingBias) >>> 16);
    }

    private static int roundShift(int value, int shift) {
        int kept = value >>> shift;
        int rest = value & ((1 << shift) - 1);
        int halfway = 1 << (shift - 1);
        if (rest > halfway || (rest == halfway && (kept & 1) != 0)) {
            kept++;
        }
        return kept;
    }
}
