package it.kiln;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** The class kiln:generate made from src/main/onnx/scale_and_relu.onnxtxt: relu(2x + bias). */
class ScaleAndReluTest {
    @Test
    void computesWhatTheTextSays() {
        float[] x = {1.5f, -2f, 0.25f, 1.75f};
        float[] bias = {-1f, 0f, 0.5f, -3f};
        float[] expected = new float[4];
        for (int i = 0; i < 4; i++) {
            expected[i] = Math.max(0, x[i] * 2f + bias[i]);
        }
        assertArrayEquals(expected, ScaleAndRelu.load().run(x));
    }
}
