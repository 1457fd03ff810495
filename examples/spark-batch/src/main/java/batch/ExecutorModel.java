package batch;

import batch.model.Digits;

/**
 * The model, once per JVM: an executor loads it when its first task asks for it (a class is
 * initialised once, lazily, and thread-safely) and all its tasks share it. Sharing is safe: each
 * thread that calls {@code run} gets its own scratch memory, and the weights are read-only.
 */
final class ExecutorModel {
    /** Loaded from Digits.weights, which the job's jar holds beside the class. */
    static final Digits DIGITS = load();

    private ExecutorModel() {
    }

    private static Digits load() {
        Digits model = Digits.load();
        // Spark already runs one task per core: each run stays on its task's thread.
        model.setThreads(1);
        return model;
    }
}
