package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Resize, Einsum and ConvTranspose in generated code against ONNX Runtime, on cases
 * the ONNX node tests do not cover: odd sizes, every coordinate transform per mode,
 * 3-D resizes, broadcast and multi-operand equations, grouped, strided and dilated
 * transposed convolutions, and sizes big enough to be split over threads.
 */
class ResizeEinsumAgainstOnnxRuntimeTest {
    private static final double FLOAT_TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    private void check(SingleNodeModel m, int threads, String what) {
        Path file = m.write(dir);
        List<Object> inputs = m.randomInputs(what.hashCode());
        double[] ort = m.onnxRuntime(file, inputs);
        double[] kiln = SingleNodeModel.kiln(file, inputs, threads);
        assertEquals(ort.length, kiln.length, what + ": output size");
        double error = SingleNodeModel.relativeError(kiln, ort);
        assertTrue(error <= FLOAT_TOLERANCE, what + ": relative error " + error);
    }

    /**
     * Output sizes per transform chosen so that no output index maps exactly onto an input index
     * or halfway between two (except the ends): there the result hangs on rounding in the last bit,
     * and ONNX Runtime computes coordinates in float where Kiln, like the ONNX reference, uses double.
     */
    private static long[][] sizesWithoutTies(String transform) {
        return switch (transform) {
            case "asymmetric" -> new long[][] {{1, 2, 11, 15}, {1, 2, 3, 3}};
            case "align_corners" -> new long[][] {{1, 2, 12, 14}, {1, 2, 2, 6}};
            default -> new long[][] {{1, 2, 12, 16}, {1, 2, 2, 4}};
        };
    }

    static Stream<Arguments> nearestCases() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (String transform : TRANSFORMS) {
            for (String rounding : new String[] {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil"}) {
                s.add(Arguments.of(transform, rounding));
            }
        }
        return s.build();
    }

    private static final String[] TRANSFORMS = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
        "half_pixel_symmetric"};

    @ParameterizedTest
    @MethodSource("nearestCases")
    void nearestUpAndDownOnOddSizes(String transform, String rounding) {
        for (long[] sizes : sizesWithoutTies(transform)) {
            check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 2, 5, 7).none().none().longs("sizes", sizes)
                    .attr("mode", "nearest").attr("coordinate_transformation_mode", transform)
                    .attr("nearest_mode", rounding), 1, "nearest " + transform + " " + rounding + " to "
                    + java.util.Arrays.toString(sizes));
        }
    }

    @ParameterizedTest
    @MethodSource("interpolatingCases")
    void linearAndCubicWithScales(String mode, String transform, float scaleH, float scaleW) {
        check(new SingleNodeModel("Resize", 19, 1).input("x", 2, 3, 13, 17).none()
                .floats("scales", new long[] {4}, 1, 1, scaleH, scaleW).attr("mode", mode)
                .attr("coordinate_transformation_mode", transform), 1, mode + " " + transform + " " + scaleH + "x" + scaleW);
    }

    /**
     * Not align_corners: with a scale whose output length is fractional the ONNX reference (and so the
     * node tests, which Kiln follows) divides by the fractional length, ONNX Runtime by the rounded one.
     */
    static Stream<Arguments> interpolatingCases() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (String mode : new String[] {"linear", "cubic"}) {
            for (String transform : TRANSFORMS) {
                if (!transform.equals("align_corners")) {
                    s.add(Arguments.of(mode, transform, 0.6f, 0.45f));
                    s.add(Arguments.of(mode, transform, 1.7f, 2.3f));
                }
            }
        }
        return s.build();
    }

    @ParameterizedTest
    @MethodSource("sizeCases")
    void linearAndCubicWithSizes(String mode, String transform) {
        for (long[] sizes : sizesWithoutTies(transform)) {
            check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 2, 5, 7).none().none().longs("sizes", sizes)
                    .attr("mode", mode).attr("coordinate_transformation_mode", transform), 1,
                    mode + " " + transform + " to " + java.util.Arrays.toString(sizes));
        }
    }

    static Stream<Arguments> sizeCases() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (String mode : new String[] {"linear", "cubic"}) {
            for (String transform : TRANSFORMS) {
                s.add(Arguments.of(mode, transform));
            }
        }
        return s.build();
    }

    @Test
    void nearestOnIntegersIsAnExactGather() {
        SingleNodeModel m = new SingleNodeModel("Resize", 19, 6).input("x", 1, 3, 5, 7).none().none()
                .longs("sizes", 1, 3, 12, 16).attr("mode", "nearest");
        Path file = m.write(dir);
        List<Object> inputs = m.randomInputs(7);
        assertTrue(java.util.Arrays.equals(m.onnxRuntime(file, inputs), SingleNodeModel.kiln(file, inputs, 1)));
    }

    @Test
    void cubicExcludeOutsideWithOtherCoefficient() {
        check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 2, 9, 6).none()
                .floats("scales", new long[] {4}, 1, 1, 2.5f, 0.7f).attr("mode", "cubic").attr("cubic_coeff_a", -0.5f)
                .attr("exclude_outside", 1L), 1, "cubic exclude_outside a=-0.5");
    }

    @ParameterizedTest
    @MethodSource("antialiasCases")
    void antialiasedDownsampling(String mode, long h, long w) {
        check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 3, 20, 15).none().none().longs("sizes", 1, 3, h, w)
                .attr("mode", mode).attr("antialias", 1L), 1, mode + " antialias to " + h + "x" + w);
    }

    static Stream<Arguments> antialiasCases() {
        return Stream.of(Arguments.of("linear", 7, 6), Arguments.of("cubic", 7, 6), Arguments.of("linear", 4, 30),
                Arguments.of("cubic", 9, 4));
    }

    @Test
    void cropAndResizeWithAxesAndExtrapolation() {
        check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 2, 8, 9).floats("roi", new long[] {4},
                        -0.2f, 0.3f, 0.9f, 1.25f).none().longs("sizes", 7, 11).attr("axes", 2L, 3L).attr("mode", "linear")
                .attr("coordinate_transformation_mode", "tf_crop_and_resize").attr("extrapolation_value", 3.5f), 1,
                "tf_crop_and_resize linear");
        check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 2, 8, 9).floats("roi", new long[] {4},
                        0.1f, -0.3f, 1.2f, 0.8f).none().longs("sizes", 5, 6).attr("axes", 2L, 3L).attr("mode", "nearest")
                .attr("coordinate_transformation_mode", "tf_crop_and_resize"), 1, "tf_crop_and_resize nearest");
    }

    @Test
    void keepAspectRatioPolicies() {
        for (String policy : new String[] {"not_larger", "not_smaller"}) {
            check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 1, 6, 10).none().none().longs("sizes", 9, 9)
                    .attr("axes", 2L, 3L).attr("mode", "linear").attr("keep_aspect_ratio_policy", policy), 1, policy);
        }
    }

    @Test
    void trilinearOnFiveDimensions() {
        check(new SingleNodeModel("Resize", 19, 1).input("x", 1, 2, 4, 5, 6).none()
                .floats("scales", new long[] {5}, 1, 1, 1.5f, 2, 0.5f).attr("mode", "linear"), 1, "trilinear");
    }

    @Test
    void largeBilinearUpsampleSplitOverThreads() {
        check(new SingleNodeModel("Resize", 13, 1).input("x", 2, 8, 40, 48).none()
                .floats("scales", new long[] {4}, 1, 1, 2, 2).attr("mode", "linear"), 4, "bilinear x2 on 4 threads");
        check(new SingleNodeModel("Resize", 11, 1).input("x", 1, 16, 30, 30).floats("roi", new long[] {0})
                .floats("scales", new long[] {4}, 1, 1, 3, 3), 3, "nearest x3 opset 11 on 3 threads");
    }

    @Test
    void opset11TfHalfPixelForNearest() {
        check(new SingleNodeModel("Resize", 11, 1).input("x", 1, 2, 5, 7).floats("roi", new long[] {0})
                .floats("scales", new long[] {0}).longs("sizes", 1, 2, 12, 16)
                .attr("coordinate_transformation_mode", "tf_half_pixel_for_nn"), 1, "tf_half_pixel_for_nn");
    }

    @ParameterizedTest
    @MethodSource("equations")
    void einsumEquations(String equation, long[][] shapes) {
        SingleNodeModel m = new SingleNodeModel("Einsum", 12, 1).attr("equation", equation);
        for (int i = 0; i < shapes.length; i++) {
            m.input("in" + i, shapes[i]);
        }
        check(m, 2, equation);
    }

    static Stream<Arguments> equations() {
        return Stream.of(
                Arguments.of("ij,jk->ik", new long[][] {{64, 48}, {48, 40}}),
                Arguments.of("bhqd,bhkd->bhqk", new long[][] {{2, 3, 7, 8}, {2, 3, 5, 8}}),
                Arguments.of("...ij,...jk->...ik", new long[][] {{2, 3, 3, 4}, {2, 3, 4, 6}}),
                Arguments.of("...ij,...jk->...ik", new long[][] {{2, 1, 3, 4}, {1, 5, 4, 6}}),
                Arguments.of("ii->i", new long[][] {{5, 5}}),
                Arguments.of("ii", new long[][] {{6, 6}}),
                Arguments.of("ij,ij->", new long[][] {{4, 9}, {4, 9}}),
                Arguments.of("i,j->ij", new long[][] {{7}, {3}}),
                Arguments.of("abc->cba", new long[][] {{2, 3, 4}}),
                Arguments.of("ba", new long[][] {{3, 5}}),
                Arguments.of("bij,bjk", new long[][] {{3, 2, 4}, {3, 4, 5}}),
                Arguments.of("ij,jk,kl->il", new long[][] {{3, 4}, {4, 5}, {5, 2}}),
                Arguments.of("b...i,i", new long[][] {{2, 3, 4, 5}, {5}}),
                Arguments.of("iij->ji", new long[][] {{3, 3, 4}}));
    }

    @Test
    void einsumOnIntegers() {
        SingleNodeModel m = new SingleNodeModel("Einsum", 12, 6).attr("equation", "bij,bkj->bik").input("a", 2, 3, 4)
                .input("b", 2, 5, 4);
        Path file = m.write(dir);
        List<Object> inputs = m.randomInputs(3);
        assertTrue(java.util.Arrays.equals(m.onnxRuntime(file, inputs), SingleNodeModel.kiln(file, inputs, 1)));
    }

    @Test
    void einsumOnDoubles() {
        check(new SingleNodeModel("Einsum", 12, 11).attr("equation", "ij,kj->ik").input("a", 9, 6).input("b", 4, 6), 1,
                "double ij,kj->ik");
    }

    @ParameterizedTest
    @MethodSource("transposedConvolutions")
    void convTranspose(String what, long[] x, long[] w, long group, long[] strides, long[] dilations, long[] pads,
                       long[] outputPadding, int threads) {
        int n = x.length - 2;
        long size = 1;
        for (long d : w) {
            size *= d;
        }
        float[] weights = new float[(int) size];
        java.util.Random r = new java.util.Random(size);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = r.nextFloat() - 0.5f;
        }
        float[] bias = new float[(int) (w[1] * group)];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = r.nextFloat();
        }
        SingleNodeModel m = new SingleNodeModel("ConvTranspose", 17, 1).input("x", x).floats("w", w, weights)
                .floats("b", new long[] {bias.length}, bias).attr("group", group).attr("strides", strides)
                .attr("dilations", dilations).attr("pads", pads);
        if (outputPadding != null) {
            m.attr("output_padding", outputPadding);
        }
        assertEquals(n, strides.length);
        check(m, threads, what);
    }

    static Stream<Arguments> transposedConvolutions() {
        return Stream.of(
                Arguments.of("2-D groups, strides, dilations, output_padding", new long[] {2, 4, 7, 6},
                        new long[] {4, 3, 3, 4}, 2, new long[] {2, 3}, new long[] {2, 1}, new long[] {1, 0, 2, 1},
                        new long[] {1, 2}, 1),
                Arguments.of("3-D strided and padded", new long[] {1, 2, 3, 4, 5}, new long[] {2, 3, 2, 3, 3}, 1,
                        new long[] {2, 1, 2}, new long[] {1, 2, 1}, new long[] {0, 1, 1, 1, 0, 1}, null, 1),
                Arguments.of("3-D depthwise", new long[] {1, 4, 4, 3, 3}, new long[] {4, 1, 3, 3, 2}, 4,
                        new long[] {1, 2, 2}, new long[] {1, 1, 1}, new long[] {1, 0, 0, 1, 1, 0}, new long[] {0, 1, 1}, 2),
                Arguments.of("1-D", new long[] {2, 3, 10}, new long[] {3, 2, 5}, 1, new long[] {3}, new long[] {2},
                        new long[] {2, 1}, null, 1),
                Arguments.of("large 2-D on threads", new long[] {1, 32, 24, 24}, new long[] {32, 16, 4, 4}, 1,
                        new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1, 1, 1}, null, 4));
    }

    @Test
    void convTransposeOutputShapeLargerThanFull() {
        float[] weights = new float[2 * 3 * 3 * 3];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % 7) * 0.25f - 0.5f;
        }
        check(new SingleNodeModel("ConvTranspose", 17, 1).input("x", 1, 2, 4, 5).floats("w", new long[] {2, 3, 3, 3},
                weights).attr("strides", 2L, 3L).attr("output_shape", 10L, 17L), 1, "output_shape beyond the full output");
    }

    @Test
    void badNodesFailWithErrorsNamingNodeAndProblem() {
        assertError(new SingleNodeModel("Einsum", 12, 1).attr("equation", "ij,jk->ik").input("a", 3, 4).input("b", 5, 6),
                "Einsum node", "label j is 4 and 5 long");
        assertError(new SingleNodeModel("Einsum", 12, 1).attr("equation", "ij->iz").input("a", 3, 4),
                "Einsum node", "output label z is in no input");
        assertError(new SingleNodeModel("Resize", 19, 1).input("x", 1, 1, 4, 4).none().none().longs("sizes", 1, 1, 8)
                .attr("mode", "linear"), "Resize node", "sizes has 3 values, expected 4");
        assertError(new SingleNodeModel("Resize", 19, 1).input("x", 1, 1, 4, 4).none()
                .floats("scales", new long[] {4}, 1, 1, 2, 2).attr("mode", "area"), "Resize node", "unsupported mode 'area'");
    }

    private void assertError(SingleNodeModel m, String... fragments) {
        Path file = m.write(dir);
        dev.kiln.compiler.CompileException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.kiln.compiler.CompileException.class, () -> SingleNodeModel.kiln(file, m.randomInputs(1), 1));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), e.getMessage() + " should mention " + f);
        }
    }
}
