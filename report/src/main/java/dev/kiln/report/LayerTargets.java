package dev.kiln.report;

import dev.kiln.codegen.Backend;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.passes.ChannelsLastValues;
import java.util.Set;

/**
 * Where each layer's layout, target profile and kernel come from: the report's
 * columns read them here and nowhere else, so they follow as the back end learns
 * to choose (blocked layouts, more kernels per op).
 */
interface LayerTargets {
    /** The memory layout of the layer's output, e.g. {@code NHWC, W in panels of 16}. */
    String layout(Node node);

    /** The CPU profile the layer was compiled for. */
    String profile(Node node);

    /** The kernel that runs the layer, e.g. {@code vector: VectorFusedConvKernel}. */
    String kernel(Node node);

    /**
     * What the compilation decided: a 4-D output is NHWC where choose-layout moved it
     * ({@link ChannelsLastValues}), else NCHW, and other outputs are dense row-major; a
     * convolution whose weights pack-weights packed says its panel width; the profile is
     * the compilation's for every layer; the kernel is the one the back end runs the node
     * with ({@link Backend#kernelOf}), or the op where the compilation had no back end.
     */
    static LayerTargets of(Compilation c) {
        String profile = c.profile().name();
        Set<Value> channelsLast = ChannelsLastValues.of(c.model().graph());
        Backend backend = c.options().target() instanceof Backend b ? b : null;
        return new LayerTargets() {
            @Override
            public String layout(Node node) {
                Value out = node.output();
                String layout = out.type().rank() != 4 ? "row-major" : channelsLast.contains(out) ? "NHWC" : "NCHW";
                boolean conv = node.domain().equals(Node.KILN_DOMAIN) && node.opType().equals(FusedConv.OP_TYPE);
                int panel = conv ? FusedConv.layout(node).panel() : 0;
                return panel > 0 ? layout + ", W in panels of " + panel : layout;
            }

            @Override
            public String profile(Node node) {
                return profile;
            }

            @Override
            public String kernel(Node node) {
                String kernel = backend == null ? null : backend.kernelOf(node);
                return kernel == null ? node.opType() : kernel;
            }
        };
    }
}
