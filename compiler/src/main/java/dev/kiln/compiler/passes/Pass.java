package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;

/**
 * One rewrite of the graph. A pass leaves the graph valid: nodes in dependency
 * order, every value typed. The pipeline re-infers types after each pass, so a
 * pass may leave new values untyped.
 */
public interface Pass {
    /** The name used in listings and on the command line, e.g. {@code fuse-gelu}. */
    String name();

    /** One line saying what the pass does. */
    String description();

    /** Rewrites {@code graph}; returns how many rewrites it made (0: unchanged). */
    int run(Graph graph);
}
