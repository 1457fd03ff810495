package classify;

/**
 * Resizing as torchvision's {@code Resize(n)} does it on a PIL image: the shorter side becomes
 * {@code n} pixels, the longer one {@code floor(n * longer / shorter)}, and the pixels come from
 * PIL's bilinear filter. That filter is a triangle widened by the scale factor when shrinking, so
 * every source pixel contributes (no aliasing), unlike java.awt's bilinear interpolation, which
 * reads only the four nearest pixels. A model trained on torchvision's preprocessing expects it.
 *
 * <p>The arithmetic is PIL's ({@code ImagingResample}: one horizontal pass, then one vertical),
 * in floating point where PIL rounds 8-bit images to integers after each pass; the results
 * differ by at most about one grey level in 255.
 */
final class Resize {
    private Resize() {
    }

    /** The width after resizing a {@code width x height} image so its shorter side is {@code shorter}. */
    static int width(int width, int height, int shorter) {
        return width <= height ? shorter : (int) ((long) shorter * width / height);
    }

    /** The height after resizing a {@code width x height} image so its shorter side is {@code shorter}. */
    static int height(int width, int height, int shorter) {
        return height <= width ? shorter : (int) ((long) shorter * height / width);
    }

    /**
     * Resizes each plane (row-major, {@code width x height} values) so the shorter side is
     * {@code shorter}; the new sizes are {@link #width} and {@link #height}.
     */
    static float[][] bilinear(float[][] planes, int width, int height, int shorter) {
        int outWidth = width(width, height, shorter);
        int outHeight = height(width, height, shorter);
        Filter horizontal = new Filter(width, outWidth);
        Filter vertical = new Filter(height, outHeight);
        float[][] resized = new float[planes.length][];
        for (int c = 0; c < planes.length; c++) {
            float[] rows = new float[outWidth * height];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < outWidth; x++) {
                    rows[y * outWidth + x] = horizontal.apply(planes[c], y * width, 1, x);
                }
            }
            float[] out = new float[outWidth * outHeight];
            for (int y = 0; y < outHeight; y++) {
                for (int x = 0; x < outWidth; x++) {
                    out[y * outWidth + x] = vertical.apply(rows, x, outWidth, y);
                }
            }
            resized[c] = out;
        }
        return resized;
    }

    /** For each output index along one axis: the first input index it reads and the weights. */
    private static final class Filter {
        private final int[] first;
        private final double[][] weights;

        Filter(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filterScale; // the triangle's radius, 1, widened when shrinking
            first = new int[outSize];
            weights = new double[outSize][];
            for (int i = 0; i < outSize; i++) {
                double centre = (i + 0.5) * scale;
                int lo = Math.max((int) (centre - support + 0.5), 0);
                int hi = Math.min((int) (centre + support + 0.5), inSize);
                double[] w = new double[hi - lo];
                double total = 0;
                for (int j = 0; j < w.length; j++) {
                    w[j] = Math.max(0.0, 1.0 - Math.abs((j + lo - centre + 0.5) / filterScale));
                    total += w[j];
                }
                for (int j = 0; j < w.length; j++) {
                    w[j] /= total;
                }
                first[i] = lo;
                weights[i] = w;
            }
        }

        /** Output index {@code i} from the values {@code data[offset + k * stride]}. */
        float apply(float[] data, int offset, int stride, int i) {
            double[] w = weights[i];
            int at = offset + first[i] * stride;
            double sum = 0;
            for (int j = 0; j < w.length; j++) {
                sum += w[j] * data[at + j * stride];
            }
            return (float) sum;
        }
    }
}
