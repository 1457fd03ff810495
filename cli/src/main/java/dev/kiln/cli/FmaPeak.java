package dev.kiln.cli;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The measured FMA peak of one core: {@link #CHAINS} independent chains of fused
 * multiply-adds on the widest float vectors the JVM prefers here
 * ({@code FloatVector.SPECIES_PREFERRED}: 8 lanes with AVX2, 16 with AVX-512). Ten
 * chains cover the FMA latency on both FMA pipes (4 cycles x 2 pipes on Zen 3 and on
 * most Intel cores) and leave AVX2's 16 vector registers room for the two operands; on
 * the Zen 3 machine of the baseline, 8 chains measured 1% lower, 12 chains 6% lower and
 * 14 chains 11% lower than 10. This is the ceiling that
 * {@code kiln bench} compares GFLOP/s against, and the JMH module measures the same
 * kernel. Needs {@code --add-modules jdk.incubator.vector}: callers check that the
 * module is in the boot layer before they touch this class.
 */
public final class FmaPeak {
    /** The vector shape measured. */
    public static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Independent accumulators per iteration. */
    public static final int CHAINS = 10;

    private FmaPeak() {
    }

    /** The peak: the fastest of several timed calls, after warming up. */
    public record Result(String species, int lanes, double gflops) {
    }

    /** Floating-point operations of one {@link #chains} call: two per lane of each FMA. */
    public static long flops(int iterations) {
        return 2L * SPECIES.length() * CHAINS * iterations;
    }

    /**
     * {@code iterations} rounds of {@code acc = fma(acc, m, c)} on each of the
     * {@link #CHAINS} vectors held in {@code acc} ({@code CHAINS x lanes} floats, read
     * at the start and written back at the end, so nothing can be optimised away).
     */
    public static void chains(int iterations, float m, float c, float[] acc) {
        int n = SPECIES.length();
        FloatVector mv = FloatVector.broadcast(SPECIES, m);
        FloatVector cv = FloatVector.broadcast(SPECIES, c);
        FloatVector a0 = FloatVector.fromArray(SPECIES, acc, 0);
        FloatVector a1 = FloatVector.fromArray(SPECIES, acc, n);
        FloatVector a2 = FloatVector.fromArray(SPECIES, acc, 2 * n);
        FloatVector a3 = FloatVector.fromArray(SPECIES, acc, 3 * n);
        FloatVector a4 = FloatVector.fromArray(SPECIES, acc, 4 * n);
        FloatVector a5 = FloatVector.fromArray(SPECIES, acc, 5 * n);
        FloatVector a6 = FloatVector.fromArray(SPECIES, acc, 6 * n);
        FloatVector a7 = FloatVector.fromArray(SPECIES, acc, 7 * n);
        FloatVector a8 = FloatVector.fromArray(SPECIES, acc, 8 * n);
        FloatVector a9 = FloatVector.fromArray(SPECIES, acc, 9 * n);
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(mv, cv);
            a1 = a1.fma(mv, cv);
            a2 = a2.fma(mv, cv);
            a3 = a3.fma(mv, cv);
            a4 = a4.fma(mv, cv);
            a5 = a5.fma(mv, cv);
            a6 = a6.fma(mv, cv);
            a7 = a7.fma(mv, cv);
            a8 = a8.fma(mv, cv);
            a9 = a9.fma(mv, cv);
        }
        a0.intoArray(acc, 0);
        a1.intoArray(acc, n);
        a2.intoArray(acc, 2 * n);
        a3.intoArray(acc, 3 * n);
        a4.intoArray(acc, 4 * n);
        a5.intoArray(acc, 5 * n);
        a6.intoArray(acc, 6 * n);
        a7.intoArray(acc, 7 * n);
        a8.intoArray(acc, 8 * n);
        a9.intoArray(acc, 9 * n);
    }

    /** Start values for {@link #chains}: distinct per lane, bounded under {@code acc * 0.999 + 0.001}. */
    public static float[] startValues() {
        float[] acc = new float[CHAINS * SPECIES.length()];
        for (int i = 0; i < acc.length; i++) {
            acc[i] = 1f + i / (float) acc.length;
        }
        return acc;
    }

    /** Warms up, then times calls of about 40 ms for {@code millis} in all and keeps the fastest. */
    public static Result measure(int millis) {
        float[] acc = startValues();
        for (int i = 0; i < 50; i++) {
            chains(200_000, 0.999f, 0.001f, acc);
        }
        int iterations = 20_000_000;
        long best = Long.MAX_VALUE;
        long end = System.nanoTime() + millis * 1_000_000L;
        for (int round = 0; round < 5 || System.nanoTime() < end; round++) {
            long start = System.nanoTime();
            chains(iterations, 0.999f, 0.001f, acc);
            best = Math.min(best, System.nanoTime() - start);
        }
        return new Result(SPECIES.toString(), SPECIES.length(), flops(iterations) / (double) best);
    }
}
