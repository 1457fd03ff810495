package dev.kiln.runtime;

/**
 * The contract between generated code and this runtime. A generated class
 * checks {@link #api()} when it loads, so that a kiln-runtime-min jar of another
 * Kiln version is refused with a message naming both versions, never with a
 * {@code NoSuchMethodError} from deep inside a run.
 */
public final class KilnRuntime {
    /**
     * The runtime API level: it changes whenever a class or method that generated
     * code calls changes. Level 1 is Kiln 0.1.0's first runtime, which had no
     * {@code KilnRuntime}; level 2 gives {@link RangeTask} a part index for per-part
     * scratch memory; level 3 has {@link WeightFile#open} take the class's Kiln version
     * (weight file format 2, whose header names the Kiln version that wrote it).
     */
    private static final int API = 3;

    private KilnRuntime() {
    }

    /** The API level of this runtime (a method, so that generated code reads it at run time). */
    public static int api() {
        return API;
    }
}
