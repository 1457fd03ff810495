package dev.kiln.compiler.ops;

/** The Reduce* family. */
final class ReductionOps {
    private ReductionOps() {
    }

    static void register(OpRegistry r) {
        r.add(new Reduce("ReduceMean", 18, Types.NUMERIC));
    }
}
