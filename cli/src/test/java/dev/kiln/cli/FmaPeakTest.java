package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The probe really runs every chain: its vectors end where scalar Math.fma ends, bit for bit. */
class FmaPeakTest {
    @Test
    void everyLaneOfEveryChainIsAnFmaChain() {
        float[] acc = FmaPeak.startValues();
        float[] expected = acc.clone();
        FmaPeak.chains(1000, 0.999f, 0.001f, acc);
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < 1000; k++) {
                expected[i] = Math.fma(expected[i], 0.999f, 0.001f);
            }
        }
        assertArrayEquals(expected, acc);
        assertEquals(FmaPeak.CHAINS * FmaPeak.SPECIES.length(), acc.length);
        assertEquals(2L * acc.length * 1000, FmaPeak.flops(1000));
    }
}
