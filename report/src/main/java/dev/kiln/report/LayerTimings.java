package dev.kiln.report;

import dev.kiln.compiler.ir.Node;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Measured time per layer, from an instrumented run of the generated code. Kiln
 * has no such run yet: until it does, reports are built with {@link #NONE} and the
 * time column says "not profiled". Times are only ever measured, never estimated.
 */
public final class LayerTimings {
    /** No measurements. */
    public static final LayerTimings NONE = new LayerTimings(new IdentityHashMap<>());

    private final Map<Node, Double> millis;

    private LayerTimings(Map<Node, Double> millis) {
        this.millis = millis;
    }

    /** Mean milliseconds per run of each kernel node measured. */
    public static LayerTimings of(Map<Node, Double> millisPerNode) {
        return new LayerTimings(new IdentityHashMap<>(millisPerNode));
    }

    public boolean isEmpty() {
        return millis.isEmpty();
    }

    /** The measured mean milliseconds of {@code node}, or null if it was not measured. */
    public Double millis(Node node) {
        return millis.get(node);
    }
}
