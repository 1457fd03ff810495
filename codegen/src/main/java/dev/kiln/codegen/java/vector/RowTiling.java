package dev.kiln.codegen.java.vector;

import dev.kiln.compiler.ops.Conv;

/**
 * How {@link VectorConvKernel} splits the positions of a 2-D convolution with kernel taps
 * when its register tile reads X in place: tiles of {@code rows} neighbouring positions
 * within one output row, and the rest ("edge" positions) in tiles whose receptive fields
 * are copied.
 *
 * <p>An output row's "interior" is the positions from owLo whose kernel columns all fall
 * inside the image. For a tile of them, tap (kh, kw) of row r is {@code stride * C} floats
 * after row r - 1's in X, and a kernel row's taps are {@code kw * C} contiguous floats: the
 * tile reads them where they are. Kernel rows above or below the image are the same for the
 * whole tile, which skips them. {@link #tilesPerRow} whole tiles cover the first
 * {@link #covered} interior positions of a row.
 *
 * <p>The rest of a row, the "edge" positions (those with a kernel column outside the image,
 * one on each side of a row for a 3x3 kernel padded by 1, and the interior positions after
 * the last whole tile), are numbered row by row and copied in tiles of {@code rows}, as every
 * position was before. Tiles never overlap: a position computed twice would be written
 * twice, and the epilogue of one tile could read the other's half-finished output, or a
 * residual that the output already overwrote in place.
 *
 * @param rows positions per tile
 * @param outputRows N x OH
 * @param owLo the first interior position of a row
 * @param tilesPerRow whole tiles of interior positions per row
 * @param edgesPerRow the other positions of a row
 */
record RowTiling(int rows, int outputRows, int owLo, int tilesPerRow, int edgesPerRow) {

    /** Positions per row read in place: [owLo, owLo + covered). */
    int covered() {
        return tilesPerRow * rows;
    }

    /** Interior tiles in all. */
    int interiorTiles() {
        return outputRows * tilesPerRow;
    }

    /** Edge positions in all. */
    int edges() {
        return outputRows * edgesPerRow;
    }

    /** Tiles of edge positions in all. */
    int edgeTiles() {
        return (edges() + rows - 1) / rows;
    }

    /**
     * The tiling for a convolution over a batch of {@code batch}, or null where its tile
     * cannot read X in place: not 2-D, dilated, or fewer than four interior positions per
     * output row. The tile has 6 rows, or 5 or 4 where those compute at least 5% fewer rows
     * in all (the padding of the last edge tile counted).
     */
    static RowTiling of(Conv.Params p, int batch) {
        if (p.spatialRank() != 2 || p.dilations()[0] != 1 || p.dilations()[1] != 1) {
            return null;
        }
        long width = p.inputSpatial()[1];
        long outWidth = p.outputSpatial()[1];
        long stride = p.strides()[1];
        long pad = p.padsBegin()[1];
        long kernel = p.kernel()[1];
        // Interior: ow * stride - pad >= 0 and ow * stride - pad + kernel - 1 <= width - 1.
        long lo = (pad + stride - 1) / stride;
        long last = width - kernel + pad;
        long hi = last < 0 ? 0 : Math.min(outWidth, last / stride + 1);
        int interior = (int) Math.max(0, hi - lo);
        int outputRows = (int) (batch * p.outputSpatial()[0]);
        RowTiling best = null;
        long bestRows = Long.MAX_VALUE;
        for (int r = VectorConvKernel.ROWS; r >= 4; r--) {
            if (interior < r) {
                continue;
            }
            int perRow = interior / r;
            RowTiling t = new RowTiling(r, outputRows, (int) lo, perRow, (int) (outWidth - (long) perRow * r));
            long computed = (long) t.interiorTiles() * r + (long) t.edgeTiles() * r;
            if (best == null || computed * 20 <= bestRows * 19) {
                best = t;
                bestRows = computed;
            }
        }
        return best;
    }
}
