package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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

    private static void check(OnnxNode m, int threads, String what) {
        OnnxGraph graph = m.graph();
        List<Tensor> inputs = random(graph.inputs(), what.hashCode());
        double[] ort = OrtRunner.run(graph.model(), inputs).get(0).toDoubles();
        double[] kiln = KilnRunner.run(graph.model(), inputs, threads).get(0).toDoubles();
        assertEquals(ort.length, kiln.length, what + ": output size");
        double error = Agreement.relativeError(kiln, ort);
        assertTrue(error <= FLOAT_TOLERANCE, what + ": relative error " + error);
    }

    /** Kiln (one thread) and ONNX Runtime give the same output exactly. */
    private static void checkExact(OnnxNode m, long seed) {
        OnnxGraph graph = m.graph();
        List<Tensor> inputs = random(graph.inputs(), seed);
        assertTrue(java.util.Arrays.equals(OrtRunner.run(graph.model(), inputs).get(0).toDoubles(),
                KilnRunner.run(graph.model(), inputs, 1).get(0).toDoubles()));
    }

    /** A float runtime input of this shape; check() feeds seeded random values in its place. */
    private static Tensor zeros(long... dims) {
        return zeros(ElementType.FLOAT, dims);
    }

    private static Tensor zeros(ElementType type, long... dims) {
        return Tensor.zeros(new TensorType(type, dims));
    }

    /** Random values for the inputs, in order: in [-2, 2) for float and double, in [-100, 100) for int32. */
    private static List<Tensor> random(List<Tensor> like, long seed) {
        Random r = new Random(seed);
        List<Tensor> out = new ArrayList<>();
        for (Tensor t : like) {
            int n = t.size();
            Object v;
            if (t.elementType() == ElementType.INT32) {
                int[] ints = new int[n];
                for (int i = 0; i < n; i++) {
                    ints[i] = r.nextInt(200) - 100;
                }
                v = ints;
            } else if (t.elementType() == ElementType.DOUBLE) {
                double[] doubles = new double[n];
                for (int i = 0; i < n; i++) {
                    doubles[i] = r.nextDouble() * 4 - 2;
                }
                v = doubles;
            } else {
                float[] floats = new float[n];
                for (int i = 0; i < n; i++) {
                    floats[i] = r.nextFloat() * 4 - 2;
                }
                v = floats;
            }
            out.add(new Tensor(t.type(), v));
        }
        return out;
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
            check(new OnnxNode("Resize", 19).input(zeros(1, 2, 5, 7)).omitted().omitted().constant(Tensor.vector(sizes))
                    .attr("mode", "nearest").attr("coordinate_transformation_mode", transform)
                    .attr("nearest_mode", rounding), 1, "nearest " + transform + " " + rounding + " to "
                    + java.util.Arrays.toString(sizes));
        }
    }

    @ParameterizedTest
    @MethodSource("interpolatingCases")
    void linearAndCubicWithScales(String mode, String transform, float scaleH, float scaleW) {
        check(new OnnxNode("Resize", 19).input(zeros(2, 3, 13, 17)).omitted()
                .constant(Tensor.ofFloats(new long[] {4}, 1, 1, scaleH, scaleW)).attr("mode", mode)
                .attr("coordinate_transformation_mode", transform), 1,
                mode + " " + transform + " " + scaleH + "x" + scaleW);
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
            check(new OnnxNode("Resize", 19).input(zeros(1, 2, 5, 7)).omitted().omitted().constant(Tensor.vector(sizes))
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
        OnnxNode m = new OnnxNode("Resize", 19).input(zeros(ElementType.INT32, 1, 3, 5, 7)).omitted().omitted()
                .constant(Tensor.vector(1, 3, 12, 16)).attr("mode", "nearest");
        checkExact(m, 7);
    }

    @Test
    void cubicExcludeOutsideWithOtherCoefficient() {
        check(new OnnxNode("Resize", 19).input(zeros(1, 2, 9, 6)).omitted()
                .constant(Tensor.ofFloats(new long[] {4}, 1, 1, 2.5f, 0.7f)).attr("mode", "cubic")
                .attr("cubic_coeff_a", -0.5f)
                .attr("exclude_outside", 1L), 1, "cubic exclude_outside a=-0.5");
    }

    @ParameterizedTest
    @MethodSource("antialiasCases")
    void antialiasedDownsampling(String mode, long h, long w) {
        check(new OnnxNode("Resize", 19).input(zeros(1, 3, 20, 15)).omitted().omitted()
                .constant(Tensor.vector(1, 3, h, w))
                .attr("mode", mode).attr("antialias", 1L), 1, mode + " antialias to " + h + "x" + w);
    }

    static Stream<Arguments> antialiasCases() {
        return Stream.of(Arguments.of("linear", 7, 6), Arguments.of("cubic", 7, 6), Arguments.of("linear", 4, 30),
                Arguments.of("cubic", 9, 4));
    }

    @Test
    void cropAndResizeWithAxesAndExtrapolation() {
        check(new OnnxNode("Resize", 19).input(zeros(1, 2, 8, 9)).constant(Tensor.ofFloats(new long[] {4},
                        -0.2f, 0.3f, 0.9f, 1.25f)).omitted().constant(Tensor.vector(7, 11)).ints("axes", 2L, 3L)
                .attr("mode", "linear")
                .attr("coordinate_transformation_mode", "tf_crop_and_resize").attr("extrapolation_value", 3.5f), 1,
                "tf_crop_and_resize linear");
        check(new OnnxNode("Resize", 19).input(zeros(1, 2, 8, 9)).constant(Tensor.ofFloats(new long[] {4},
                        0.1f, -0.3f, 1.2f, 0.8f)).omitted().constant(Tensor.vector(5, 6)).ints("axes", 2L, 3L)
                .attr("mode", "nearest")
                .attr("coordinate_transformation_mode", "tf_crop_and_resize"), 1, "tf_crop_and_resize nearest");
    }

    @Test
    void keepAspectRatioPolicies() {
        for (String policy : new String[] {"not_larger", "not_smaller"}) {
            check(new OnnxNode("Resize", 19).input(zeros(1, 1, 6, 10)).omitted().omitted().constant(Tensor.vector(9, 9))
                    .ints("axes", 2L, 3L).attr("mode", "linear").attr("keep_aspect_ratio_policy", policy), 1, policy);
        }
    }

    @Test
    void trilinearOnFiveDimensions() {
        check(new OnnxNode("Resize", 19).input(zeros(1, 2, 4, 5, 6)).omitted()
                .constant(Tensor.ofFloats(new long[] {5}, 1, 1, 1.5f, 2, 0.5f)).attr("mode", "linear"), 1, "trilinear");
    }

    @Test
    void largeBilinearUpsampleSplitOverThreads() {
        check(new OnnxNode("Resize", 13).input(zeros(2, 8, 40, 48)).omitted()
                .constant(Tensor.ofFloats(new long[] {4}, 1, 1, 2, 2)).attr("mode", "linear"), 4,
                "bilinear x2 on 4 threads");
        check(new OnnxNode("Resize", 11).input(zeros(1, 16, 30, 30)).constant(Tensor.ofFloats(new long[] {0}))
                .constant(Tensor.ofFloats(new long[] {4}, 1, 1, 3, 3)), 3, "nearest x3 opset 11 on 3 threads");
    }

    @Test
    void opset11TfHalfPixelForNearest() {
        check(new OnnxNode("Resize", 11).input(zeros(1, 2, 5, 7)).constant(Tensor.ofFloats(new long[] {0}))
                .constant(Tensor.ofFloats(new long[] {0})).constant(Tensor.vector(1, 2, 12, 16))
                .attr("coordinate_transformation_mode", "tf_half_pixel_for_nn"), 1, "tf_half_pixel_for_nn");
    }

    @ParameterizedTest
    @MethodSource("equations")
    void einsumEquations(String equation, long[][] shapes) {
        OnnxNode m = new OnnxNode("Einsum", 12).attr("equation", equation);
        for (int i = 0; i < shapes.length; i++) {
            m.input(zeros(shapes[i]));
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
        OnnxNode m = new OnnxNode("Einsum", 12).attr("equation", "bij,bkj->bik")
                .input(zeros(ElementType.INT32, 2, 3, 4))
                .input(zeros(ElementType.INT32, 2, 5, 4));
        checkExact(m, 3);
    }

    @Test
    void einsumOnDoubles() {
        check(new OnnxNode("Einsum", 12).attr("equation", "ij,kj->ik").input(zeros(ElementType.DOUBLE, 9, 6))
                .input(zeros(ElementType.DOUBLE, 4, 6)), 1,
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
        OnnxNode m = new OnnxNode("ConvTranspose", 17).input(zeros(x)).constant(Tensor.ofFloats(w, weights))
                .constant(Tensor.ofFloats(new long[] {bias.length}, bias)).attr("group", group).ints("strides", strides)
                .ints("dilations", dilations).ints("pads", pads);
        if (outputPadding != null) {
            m.ints("output_padding", outputPadding);
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
                        new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1, 1, 1}, null, 4),
                // LowFormer's upsampling: four phases of 40 channels, so that a panel of 16 spans two phases.
                Arguments.of("kernel 4 stride 2, phases across panels", new long[] {1, 24, 7, 7},
                        new long[] {24, 40, 4, 4}, 1, new long[] {2, 2}, new long[] {1, 1}, new long[] {1, 1, 1, 1},
                        null, 2));
    }

    @Test
    void convTransposeOutputShapeLargerThanFull() {
        float[] weights = new float[2 * 3 * 3 * 3];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (i % 7) * 0.25f - 0.5f;
        }
        check(new OnnxNode("ConvTranspose", 17).input(zeros(1, 2, 4, 5))
                .constant(Tensor.ofFloats(new long[] {2, 3, 3, 3}, weights)).ints("strides", 2L, 3L)
                .ints("output_shape", 10L, 17L), 1, "output_shape beyond the full output");
    }

    @Test
    void badNodesFailWithErrorsNamingNodeAndProblem() {
        assertError(new OnnxNode("Einsum", 12).attr("equation", "ij,jk->ik").input(zeros(3, 4)).input(zeros(5, 6)),
                "Einsum node", "label j is 4 and 5 long");
        assertError(new OnnxNode("Einsum", 12).attr("equation", "ij->iz").input(zeros(3, 4)),
                "Einsum node", "output label z is in no input");
        assertError(new OnnxNode("Resize", 19).input(zeros(1, 1, 4, 4)).omitted().omitted()
                .constant(Tensor.vector(1, 1, 8))
                .attr("mode", "linear"), "Resize node", "sizes has 3 values, expected 4");
        assertError(new OnnxNode("Resize", 19).input(zeros(1, 1, 4, 4)).omitted()
                .constant(Tensor.ofFloats(new long[] {4}, 1, 1, 2, 2)).attr("mode", "area"), "Resize node",
                "unsupported mode 'area'");
    }

    private static void assertError(OnnxNode m, String... fragments) {
        OnnxGraph graph = m.graph();
        dev.kiln.compiler.CompileException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.kiln.compiler.CompileException.class, () -> graph.kiln(1));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), e.getMessage() + " should mention " + f);
        }
    }
}
