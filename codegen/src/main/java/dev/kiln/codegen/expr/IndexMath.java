package dev.kiln.codegen.expr;

/** Small index expressions as Java source, without the {@code * 1} and {@code / 1} noise. */
public final class IndexMath {
    private IndexMath() {
    }

    /** {@code name * factor}, just {@code name} for a factor of 1. */
    public static String scaled(String name, long factor) {
        return factor == 1 ? name : name + " * " + factor;
    }

    /** {@code " + c"} or {@code " - |c|"}, nothing for 0: a constant term to append to an expression. */
    public static String plus(long c) {
        return c == 0 ? "" : c > 0 ? " + " + c : " - " + -c;
    }

    /** {@code numerator / divisor}, just {@code numerator} for a divisor of 1. */
    public static String div(String numerator, long divisor) {
        return divisor == 1 ? numerator : numerator + " / " + divisor;
    }

    /** {@code ceil(numerator / divisor)} for a non-negative int expression. */
    public static String ceilDiv(String numerator, long divisor) {
        return divisor == 1 ? numerator : "(" + numerator + " + " + (divisor - 1) + ") / " + divisor;
    }

    /**
     * The coordinate along one axis of a row-major flat index: {@code flat / stride % extent},
     * without the division for stride 1 and without the remainder on the outermost axis.
     */
    public static String coordinate(String flat, long stride, long extent, boolean outermost) {
        String quotient = div(flat, stride);
        return outermost ? quotient : quotient + " % " + extent;
    }
}
