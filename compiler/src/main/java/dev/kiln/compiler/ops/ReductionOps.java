package dev.kiln.compiler.ops;

/** The Reduce* family, ArgMax and TopK. */
final class ReductionOps {
    private ReductionOps() {
    }

    static void register(OpRegistry r) {
        r.add(new Reduce("ReduceMean", 18, Types.NUMERIC));
        r.add(new Reduce("ReduceSum", 13, Types.NUMERIC));
        r.add(new Reduce("ReduceMax", 18, Types.union(Types.NUMERIC, Types.BOOL)));
        r.add(new ArgMax());
        r.add(new TopK());
    }
}
