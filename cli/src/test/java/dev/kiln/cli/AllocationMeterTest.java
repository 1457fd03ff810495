package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The meter sees an allocation of known size, and nothing where nothing is allocated. */
class AllocationMeterTest {
    private static volatile Object sink;

    @Test
    void measuresAKnownAllocationAndNothingElse() {
        AllocationMeter meter = new AllocationMeter();
        meter.refreshThreads();
        long before = meter.total();
        long nothing = meter.since(before);
        meter.refreshThreads();
        before = meter.total();
        sink = new byte[1 << 20];
        long megabyte = meter.since(before);
        assertEquals(0, nothing);
        // A byte[] of 1 MiB is its data plus a header of at most 24 bytes.
        assertTrue(megabyte >= 1 << 20 && megabyte <= (1 << 20) + 64, "measured " + megabyte);
    }
}
