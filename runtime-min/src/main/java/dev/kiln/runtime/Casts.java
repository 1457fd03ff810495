package dev.kiln.runtime;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The conversions of ONNX Cast that are not a single Java cast: unsigned 64-bit
 * integers to and from floating point, and numbers to and from strings as ONNX Runtime
 * writes and reads them ("NaN", "INF", "-INF", C's {@code %.8g}; strings parse as a
 * double first, like C's {@code strtod}).
 */
public final class Casts {
    private Casts() {
    }

    /** The unsigned 64-bit integer {@code bits} as the nearest float. */
    public static float unsignedToFloat(long bits) {
        if (bits >= 0) {
            return bits;
        }
        // Halve with the lost bit kept as a sticky bit, so the one rounding stays correct.
        return ((bits >>> 1) | (bits & 1)) * 2.0f;
    }

    /** The unsigned 64-bit integer {@code bits} as the nearest double. */
    public static double unsignedToDouble(long bits) {
        if (bits >= 0) {
            return bits;
        }
        return ((bits >>> 1) | (bits & 1)) * 2.0;
    }

    /** {@code value} truncated toward zero to an unsigned 64-bit integer (wrapping below zero). */
    public static long doubleToUnsigned(double value) {
        if (value >= 0x1p63) {
            return (long) (value - 0x1p63) ^ Long.MIN_VALUE;
        }
        return (long) value;
    }

    /** A string as a double: decimal or scientific notation, "NaN", "INF", "inf", "Infinity", signed. */
    public static double parseDouble(String s) {
        String t = s.trim();
        Double special = special(t);
        return special != null ? special : Double.parseDouble(t);
    }

    /** A string as a signed 64-bit integer. */
    public static long parseLong(String s) {
        return Long.parseLong(stripPlus(s.trim()));
    }

    /** A string as an unsigned 64-bit integer; a leading minus sign wraps, as C's {@code strtoull} does. */
    public static long parseUnsignedLong(String s) {
        String t = s.trim();
        return t.startsWith("-") ? -Long.parseUnsignedLong(t.substring(1)) : Long.parseUnsignedLong(stripPlus(t));
    }

    private static String stripPlus(String t) {
        return t.startsWith("+") ? t.substring(1) : t;
    }

    private static Double special(String t) {
        String body = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        boolean negative = t.startsWith("-");
        if (body.equalsIgnoreCase("inf") || body.equalsIgnoreCase("infinity")) {
            return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (body.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        return null;
    }

    /**
     * A number as ONNX Runtime prints it (for float and double alike): C's {@code %.8g}
     * (8 significant digits, trailing zeros removed, scientific below 1e-4 or from 1e8),
     * or "NaN", "INF", "-INF".
     */
    public static String format(double value) {
        int precision = 8;
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "INF" : "-INF";
        }
        if (value == 0) {
            return (Double.doubleToRawLongBits(value) < 0) ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(precision, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= precision) {
            BigDecimal mantissa = rounded.movePointLeft(exponent);
            String digits = stripZeros(mantissa.toPlainString());
            String e = Integer.toString(Math.abs(exponent));
            return digits + (exponent < 0 ? "e-" : "e+") + (e.length() < 2 ? "0" + e : e);
        }
        return stripZeros(rounded.toPlainString());
    }

    private static String stripZeros(String plain) {
        if (plain.indexOf('.') < 0) {
            return plain;
        }
        int end = plain.length();
        while (plain.charAt(end - 1) == '0') {
            end--;
        }
        if (plain.charAt(end - 1) == '.') {
            end--;
        }
        return plain.substring(0, end);
    }
}
