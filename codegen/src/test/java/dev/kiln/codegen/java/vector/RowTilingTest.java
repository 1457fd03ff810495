package dev.kiln.codegen.java.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ops.Conv;
import org.junit.jupiter.api.Test;

/**
 * The split of a convolution's output row into tiles read in place and edge positions, over
 * every small geometry: each position is computed exactly once, by an in-place tile only
 * where all its kernel columns fall inside the image (by ONNX's output-size formula).
 */
class RowTilingTest {
    @Test
    void everyPositionOnceInPlaceOnlyInsideTheImage() {
        int checked = 0;
        for (int width = 1; width <= 24; width++) {
            for (int kernel = 1; kernel <= 5; kernel++) {
                for (int stride = 1; stride <= 3; stride++) {
                    for (int padBegin = 0; padBegin < kernel; padBegin++) {
                        for (int padEnd = 0; padEnd < kernel; padEnd++) {
                            if (width + padBegin + padEnd < kernel) {
                                continue;
                            }
                            long outWidth = (width + padBegin + padEnd - kernel) / stride + 1;
                            check(width, kernel, stride, padBegin, padEnd, outWidth);
                            checked++;
                        }
                    }
                }
            }
        }
        assertTrue(checked > 1000, "geometries checked: " + checked);
    }

    private static void check(int width, int kernel, int stride, int padBegin, int padEnd, long outWidth) {
        String what = "width " + width + ", kernel " + kernel + ", stride " + stride + ", pads " + padBegin + "/"
                + padEnd;
        Conv.Params p = new Conv.Params(1, 8, 16, new long[] {kernel, kernel}, new long[] {stride, stride},
                new long[] {padBegin, padBegin}, new long[] {padEnd, padEnd}, new long[] {1, 1},
                new long[] {width, width}, new long[] {outWidth, outWidth});
        RowTiling t = RowTiling.of(p, 2);
        int inside = 0;
        for (long ow = 0; ow < outWidth; ow++) {
            long first = ow * stride - padBegin;
            if (first >= 0 && first + kernel - 1 <= width - 1) {
                inside++;
            }
        }
        if (t == null) {
            assertTrue(inside < 4, what + ": no tiling although " + inside + " positions a row are inside");
            return;
        }
        assertEquals(2 * outWidth, t.outputRows(), what);
        assertTrue(t.covered() <= inside && t.covered() > inside - t.rows(), what + ": whole tiles cover "
                + t.covered() + " of " + inside + " interior positions");
        assertEquals(outWidth - t.covered(), t.edgesPerRow(), what + ": edges");
        int[] covered = new int[(int) outWidth];
        for (int tile = 0; tile < t.tilesPerRow(); tile++) {
            int ow0 = t.owLo() + tile * t.rows();
            for (int r = 0; r < t.rows(); r++) {
                long first = (long) (ow0 + r) * stride - padBegin;
                assertTrue(first >= 0 && first + kernel - 1 <= width - 1, what + ": position " + (ow0 + r)
                        + " read in place has a kernel column outside the image");
                covered[ow0 + r]++;
            }
        }
        for (int e = 0; e < t.edgesPerRow(); e++) {
            int ow = e < t.owLo() ? e : e + t.covered();
            assertEquals(0, covered[ow], what + ": edge position " + ow + " also in a tile");
            covered[ow]++;
        }
        for (int ow = 0; ow < outWidth; ow++) {
            assertEquals(1, covered[ow], what + ": position " + ow + " computed once");
        }
    }

    @Test
    void dilatedConvolutionsAreCopied() {
        Conv.Params p = new Conv.Params(1, 8, 16, new long[] {3, 3}, new long[] {1, 1}, new long[] {2, 2},
                new long[] {2, 2}, new long[] {2, 2}, new long[] {14, 14}, new long[] {14, 14});
        assertNull(RowTiling.of(p, 1));
    }
}
