package dev.kiln.runtime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;

/**
 * Fuzzes the weight-file reader: any bytes end in every array read and checked, or in a
 * {@link WeightFileException} with a message. Anything else is a finding: another exception,
 * a run past the execution timeout, or an allocation that the input's bytes do not back.
 *
 * <p>The reads are those a generated class makes: a fixed list of arrays whose sizes are
 * compile-time constants. Only string lengths come from the file. {@code mvn verify}
 * replays the corpus under
 * {@code src/test/resources/dev/kiln/runtime/WeightFileFuzzTestInputs/weightFile}
 * (a valid file for these reads, variants of it and earlier findings);
 * {@code -Pfuzz} fuzzes (docs/robustness.md).
 */
class WeightFileFuzzTest {
    /** The fingerprint and Kiln version of the class the seeds were written for. */
    static final String FINGERPRINT = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    static final String KILN_VERSION = "1.2.3";
    private static final int MAX_INPUT_BYTES = 1 << 16;
    /** The arrays below, the reader's chunk buffer (at most 1 MB) and slack. */
    private static final long ALLOCATION_LIMIT = 4 << 20;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    @FuzzTest
    void weightFile(byte[] file) {
        if (file.length > MAX_INPUT_BYTES) {
            return;
        }
        long classes = CLASSES.getTotalLoadedClassCount();
        long allocated = readMeasuringAllocation(file);
        if (CLASSES.getTotalLoadedClassCount() != classes) {
            // A first use of some code: loading (and instrumenting) classes allocated too. Again, alone.
            allocated = readMeasuringAllocation(file);
        }
        if (allocated > ALLOCATION_LIMIT) {
            throw new AssertionError("reading " + file.length + " bytes allocated " + allocated + " bytes");
        }
    }

    /** Reads the file; returns the bytes this thread allocated doing it. */
    private static long readMeasuringAllocation(byte[] file) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            readLikeAGeneratedClass(WeightFile.open(new ByteArrayInputStream(file), "fuzz.weights",
                    FINGERPRINT, KILN_VERSION));
        } catch (WeightFileException e) {
            if (e.getMessage() == null || e.getMessage().isEmpty()) {
                throw new AssertionError("a WeightFileException without a message", e);
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    /** One array of each kind, in the order the seeds hold them, then the final checks. */
    static void readLikeAGeneratedClass(WeightFile w) {
        w.floats(3);
        w.doubles(1);
        w.longs(2);
        w.ints(1);
        w.shorts(1);
        w.bytes(2);
        w.booleans(2);
        w.strings(2);
        w.finish();
    }
}
