package dev.kiln.codegen.java.vector;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Conv;
import dev.kiln.compiler.ops.FusedConv;

/**
 * For each panel of a 2-D convolution's packed weights, the kernel rows [khLo, khHi) that
 * hold any nonzero weight, two ints a panel. The register tile skips the other kernel rows,
 * whose products are all zero.
 *
 * <p>This is for the convolutions that convtranspose-as-conv makes: a ConvTranspose of
 * kernel 4 and stride 2 becomes a 3x3 convolution of four phases, one phase per quarter of
 * the output channels, and each phase has weights in a 2x2 corner of the 3x3 kernel only.
 * Skipping the zero row leaves 6 of 9 taps. Skipping the zero column too would leave 4, but
 * the loop over a kernel row's taps then starts at a column that varies by panel, and
 * JDK 17's C2 compiled that loop six to fifteen times slower (measured on B0's upsampling
 * layer: 0.35 ms with every tap, 0.26 with rows skipped, 2.1 to 5.8 with columns skipped
 * on JDK 17 and 0.20 on JDK 25); so rows only.
 */
final class PanelTaps {
    private PanelTaps() {
    }

    /**
     * The kernel rows of each panel of a FusedConv with constant packed weights in panels of
     * {@code panel}, or null where every panel needs all of them (or the weights are not known).
     */
    static int[] of(Node node, int panel) {
        Conv.Params p = FusedConv.params(node);
        Value weights = node.input(1);
        if (p.spatialRank() != 2 || !weights.isConstant()) {
            return null;
        }
        float[] w = weights.constant().floats();
        int kh = (int) p.kernel()[0];
        int kernelRow = (int) p.kernel()[1] * p.inChannels() * panel;
        int panels = (p.outChannels() + panel - 1) / panel;
        int[] rows = new int[2 * panels];
        boolean skips = false;
        for (int j = 0; j < panels; j++) {
            int lo = kh;
            int hi = 0;
            for (int r = 0; r < kh; r++) {
                int from = (j * kh + r) * kernelRow;
                if (anyNonzero(w, from, from + kernelRow)) {
                    lo = Math.min(lo, r);
                    hi = r + 1;
                }
            }
            // A panel without any weight walks no rows: the tile leaves the bias.
            rows[2 * j] = Math.min(lo, hi);
            rows[2 * j + 1] = hi;
            skips |= lo > 0 || hi < kh;
        }
        return skips ? rows : null;
    }

    private static boolean anyNonzero(float[] w, int from, int to) {
        for (int i = from; i < to; i++) {
            if (w[i] != 0f) {
                return true;
            }
        }
        return false;
    }
}
