package dev.kiln.report;

import dev.kiln.compiler.ir.Node;

/**
 * Where each layer's layout, target profile and kernel come from: the report's
 * columns read them here and nowhere else, so they fill in as the back end learns
 * to choose (blocked layouts, CPU profiles, several kernels per op).
 */
public interface LayerTargets {
    /** The memory layout of the layer's output, e.g. {@code NCHW}. */
    String layout(Node node);

    /** The target profile the layer was compiled for. */
    String profile(Node node);

    /** The kernel that runs the layer. */
    String kernel(Node node);

    /**
     * What the Java back end does today: every tensor dense and row-major (NCHW for
     * images), one generic profile, and one kernel per op type.
     */
    LayerTargets JAVA_TODAY = new LayerTargets() {
        @Override
        public String layout(Node node) {
            int rank = node.output().type().rank();
            return rank == 4 ? "NCHW" : "row-major";
        }

        @Override
        public String profile(Node node) {
            return "generic";
        }

        @Override
        public String kernel(Node node) {
            return node.opType();
        }
    };
}
