package dev.kiln.report;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.Node;

/**
 * Where each layer's layout, target profile and kernel come from: the report's
 * columns read them here and nowhere else, so they fill in as the back end learns
 * to choose (blocked layouts, several kernels per op).
 */
interface LayerTargets {
    /** The memory layout of the layer's output, e.g. {@code NCHW}. */
    String layout(Node node);

    /** The CPU profile the layer was compiled for. */
    String profile(Node node);

    /** The kernel that runs the layer. */
    String kernel(Node node);

    /**
     * What the back ends do today: every tensor dense and row-major (NCHW for
     * images), the compilation's CPU profile for every layer, and one kernel per op
     * type (the generated method names are the back end's internals).
     */
    static LayerTargets of(Compilation c) {
        String profile = c.profile().name();
        return new LayerTargets() {
            @Override
            public String layout(Node node) {
                return node.output().type().rank() == 4 ? "NCHW" : "row-major";
            }

            @Override
            public String profile(Node node) {
                return profile;
            }

            @Override
            public String kernel(Node node) {
                return node.opType();
            }
        };
    }
}
