package classify;

import dev.kiln.runtime.TensorInfo;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Turns an image into a model's input tensor the way torchvision's
 * {@code Resize(resize)}, {@code CenterCrop}, {@code ToTensor} and {@code Normalize(mean, std)}
 * do on a PIL image: the shorter side is scaled to {@code resize} pixels with PIL's bilinear
 * filter, the centre is cut to the model's input height and width, pixels become 0..1 and then
 * {@code (x - mean) / std} per channel. The result is NCHW with N = 1.
 */
final class Preprocessing {
    private final int resize;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] mean;
    private final float[] std;

    /**
     * @param input the model's input: float, shape [1, C, H, W] with C = 1 (grey) or 3 (RGB);
     *              H x W is the crop
     * @param resize the shorter side's length after resizing, at least max(H, W)
     * @param mean one value, or one per channel
     * @param std one value, or one per channel
     */
    Preprocessing(TensorInfo input, int resize, float[] mean, float[] std) {
        long[] shape = input.shape();
        if (!input.elementType().equals("float") || shape.length != 4 || shape[0] != 1
                || (shape[1] != 1 && shape[1] != 3)) {
            throw new IllegalArgumentException("the model's input " + input
                    + " is not an image: expected float[1,C,H,W] with C = 1 (grey) or 3 (RGB)");
        }
        this.channels = (int) shape[1];
        this.height = (int) shape[2];
        this.width = (int) shape[3];
        if (resize < Math.max(height, width)) {
            throw new IllegalArgumentException("--resize " + resize + " is smaller than the model's input, "
                    + height + "x" + width + ", which is cut from the resized image's centre");
        }
        this.resize = resize;
        this.mean = perChannel(mean, "--mean");
        this.std = perChannel(std, "--std");
        for (float s : this.std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("--std must be positive, got " + Arrays.toString(std));
            }
        }
    }

    private float[] perChannel(float[] values, String option) {
        if (values.length == 1) {
            float[] all = new float[channels];
            Arrays.fill(all, values[0]);
            return all;
        }
        if (values.length != channels) {
            throw new IllegalArgumentException(option + " has " + values.length + " values; the model's input has "
                    + channels + " channel" + (channels == 1 ? "" : "s") + ": give one value or " + channels);
        }
        return values.clone();
    }

    /** Reads a PNG, JPEG, GIF or BMP file with javax.imageio. */
    static BufferedImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such file");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException e) {
            // a damaged file, or a kind javax.imageio knows but cannot decode (CMYK JPEG)
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new IOException(file + ": not an image javax.imageio can read (PNG, JPEG, GIF, BMP)");
        }
        return image;
    }

    /** The model's input for {@code image}: C x H x W floats. */
    float[] toTensor(BufferedImage image) {
        float[][] planes = Resize.bilinear(pixels(image), image.getWidth(), image.getHeight(), resize);
        int resizedWidth = Resize.width(image.getWidth(), image.getHeight(), resize);
        int resizedHeight = Resize.height(image.getWidth(), image.getHeight(), resize);
        // torchvision's CenterCrop: offsets rounded half to even, as Python's round() does.
        int top = (int) Math.rint((resizedHeight - height) / 2.0);
        int left = (int) Math.rint((resizedWidth - width) / 2.0);
        float[] tensor = new float[channels * height * width];
        for (int c = 0; c < channels; c++) {
            float[] plane = planes[c];
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float value = plane[(top + y) * resizedWidth + left + x];
                    tensor[(c * height + y) * width + x] = (value - mean[c]) / std[c];
                }
            }
        }
        return tensor;
    }

    /**
     * The image's pixels as {@code channels} planes of values in 0..1. A grey image keeps its
     * stored values (BufferedImage.getRGB would convert them from linear grey to sRGB), and is
     * repeated for an RGB model, like PIL's {@code convert("RGB")}; a colour image for a grey model
     * is reduced like PIL's {@code convert("L")}. Alpha is dropped, like PIL's {@code convert("RGB")}.
     */
    private float[][] pixels(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[][] planes = new float[channels][w * h];
        Raster raster = image.getRaster();
        if (isGrey(image)) {
            float max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        planes[c][y * w + x] = v;
                    }
                }
            }
            return planes;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                int r = rgb >> 16 & 0xff;
                int g = rgb >> 8 & 0xff;
                int b = rgb & 0xff;
                if (channels == 1) {
                    // PIL's convert("L"): 0.299 R + 0.587 G + 0.114 B in 16-bit fixed point, rounded.
                    planes[0][y * w + x] = ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255f;
                } else {
                    planes[0][y * w + x] = r / 255f;
                    planes[1][y * w + x] = g / 255f;
                    planes[2][y * w + x] = b / 255f;
                }
            }
        }
        return planes;
    }

    /** Grey, or grey and alpha, stored as values rather than as indices into a palette. */
    private static boolean isGrey(BufferedImage image) {
        return !(image.getColorModel() instanceof IndexColorModel)
                && image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }
}
