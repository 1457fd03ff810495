package classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.runtime.TensorInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The program's preprocessing against torchvision's Resize, CenterCrop, ToTensor and Normalize
 * on PIL images: the tensors torchvision_reference.py saved for two test pictures.
 */
class PreprocessingTest {
    private static final Path DIR = Paths.get("src/test/resources/preprocessing");
    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    @ParameterizedTest(name = "{0}.png to {1} channels, resize {2}, crop {3}")
    @CsvSource({
        "rgb, 3, 20, 16",   // shrinking: the filter widens
        "rgb, 3, 40, 32",   // enlarging
        "grey, 3, 20, 16",  // a grey file for an RGB model: the value repeated
        "rgb, 1, 25, 24",   // an RGB file for a grey model; the crop's offset rounds half to even
    })
    void matchesTorchvision(String image, int channels, int resize, int crop) throws IOException {
        float[] mean = channels == 3 ? IMAGENET_MEAN : new float[] {0.5f};
        float[] std = channels == 3 ? IMAGENET_STD : new float[] {0.25f};
        TensorInfo input = new TensorInfo("image", "float", new long[] {1, channels, crop, crop});
        Preprocessing preprocessing = new Preprocessing(input, resize, mean, std);

        float[] tensor = preprocessing.toTensor(Preprocessing.read(DIR.resolve(image + ".png")));
        float[] reference = readFloats(DIR.resolve(image + "_to" + channels + "_resize" + resize + "_crop" + crop + ".bin"));

        assertEquals(reference.length, tensor.length);
        // PIL rounds to whole grey levels after each of its two passes (and in its RGB-to-grey
        // conversion); the program does not: allow one level in 255, scaled by the channel's std.
        int plane = crop * crop;
        double worst = 0;
        for (int i = 0; i < tensor.length; i++) {
            double levels = Math.abs(tensor[i] - reference[i]) * std[i / plane] * 255;
            worst = Math.max(worst, levels);
        }
        assertTrue(worst <= 1.0, "max difference " + worst + " grey levels, more than PIL's rounding");
    }

    private static float[] readFloats(Path file) throws IOException {
        FloatBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }
}
