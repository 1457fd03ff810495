package dev.kiln.codegen.java.kernels;

/** Small index expressions as Java source, without the {@code * 1} and {@code / 1} noise. */
final class IndexMath {
    private IndexMath() {
    }

    /** {@code name * factor}, just {@code name} for a factor of 1. */
    static String scaled(String name, long factor) {
        return factor == 1 ? name : name + " * " + factor;
    }

    /** {@code ceil(numerator / divisor)} for a non-negative int expression. */
    static String ceilDiv(String numerator, long divisor) {
        return divisor == 1 ? numerator : "(" + numerator + " + " + (divisor - 1) + ") / " + divisor;
    }
}
