package dev.kiln.compiler.testing;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;

/**
 * What the current thread allocates running a piece of code: the fuzz targets bound it, so
 * that an allocation a declared size drives but the input's bytes do not back is a finding.
 */
public final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();

    private ThreadAllocation() {
    }

    /**
     * Bytes this thread allocated running {@code code}. A run that loaded classes (a first use
     * of some code: class loading and Jazzer's instrumentation allocate on this thread too) is
     * measured again, alone.
     */
    public static long of(Runnable code) {
        long classes = CLASSES.getTotalLoadedClassCount();
        long allocated = measure(code);
        if (CLASSES.getTotalLoadedClassCount() != classes) {
            allocated = measure(code);
        }
        return allocated;
    }

    private static long measure(Runnable code) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        code.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
