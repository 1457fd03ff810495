package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.TorchAttention;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The opencl back end's kernels for what Kiln's passes make, against ONNX Runtime on the
 * unfused model: dev.kiln.Attention (fuse-attention) on LowFormer's shapes and odd ones,
 * and the Conv + DepthToSpace that convtranspose-as-conv makes of a ConvTranspose.
 */
@Tag("opencl")
class OpenClFusedKernelsTest {
    private static final double TOLERANCE = 1e-5;

    @BeforeEach
    void platform() {
        OpenClPlatform.require();
    }

    /** Inputs in [-scale, scale); at 60 the scores reach 10^4, where exp overflows unless the maximum is subtracted. */
    @ParameterizedTest(name = "N={0} heads={1} d={2} {3}x{4} opset {5} inputs to {6}")
    @CsvSource({
        "1, 4, 32, 7, 7, 17, 2", // LowFormer-B0 stage 4 at 224 x 224
        "1, 2, 16, 14, 14, 17, 2", // 196 keys: more than a work-group's items
        "2, 3, 5, 3, 5, 13, 2",
        "1, 2, 8, 4, 4, 13, 60"})
    void attentionMatchesOnnxRuntime(int n, int heads, int d, int h, int w, int opset, float scale) {
        TorchAttention a = new TorchAttention(n, heads, d, h, w).opset(opset);
        ModelProto model = a.build().build();
        Tensor x = random(a.inputDims(), 11, scale);
        assertClose(OrtRunner.run(model, List.of(x)).get(0), run(model, x, Map.of("dev.kiln.Attention", 1)), "attention");
    }

    /**
     * A 2-D ConvTranspose becomes a phase Conv and a DepthToSpace (stride 1, a plain Conv, is in
     * the node tests). Each case is one OpenCL program build, seconds on PoCL, so there are few.
     */
    @ParameterizedTest(name = "C={0} M={1} {2}x{2} kernel {3} stride {4} pads {5}")
    @CsvSource({"4, 6, 5, 4, 2, 1", "2, 3, 3, 3, 3, 0"})
    void convTransposeAsConvMatchesOnnxRuntime(int c, int m, int side, int kernel, int stride, int pad) {
        ModelProto model = new OnnxModelBuilder(17).input("x", 1, c, side, side)
                .initializer("w", OnnxModelBuilder.random(3, c * m * kernel * kernel, 0.5f), c, m, kernel, kernel)
                .initializer("b", OnnxModelBuilder.random(4, m, 0.5f), m)
                .node("ConvTranspose", "x,w,b", "y",
                        OnnxModelBuilder.attr("strides", (long) stride, (long) stride),
                        OnnxModelBuilder.attr("pads", (long) pad, (long) pad, (long) pad, (long) pad))
                .output("y").build();
        Tensor x = random(new long[] {1, c, side, side}, 12, 1);
        assertClose(OrtRunner.run(model, List.of(x)).get(0), run(model, x, Map.of("Conv", 1, "DepthToSpace", 1)),
                "convtranspose");
    }

    /** Compiles {@code model} for opencl, checks the ops the passes left, and runs it once. */
    private static Tensor run(ModelProto model, Tensor x, Map<String, Integer> ops) {
        Compilation c = Compilation.of(OnnxImporter.convert(model, "test_model.onnx", null, null),
                KilnOptions.defaults().withTarget("opencl").compileOptions());
        assertEquals(ops, c.model().graph().opHistogram());
        GeneratedModel g = Backends.get("opencl").generate(c, GenerateOptions.defaults("test_model"));
        try (LoadedModel loaded = LoadedModel.of(g)) {
            return new Tensor(c.model().graph().outputs().get(0).type(), loaded.run(x.data())[0]);
        }
    }

    private static Tensor random(long[] dims, long seed, float scale) {
        TensorType t = new TensorType(ElementType.FLOAT, dims);
        return new Tensor(t, OnnxModelBuilder.random(seed, t.intSize(), scale));
    }

    private static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.type().dims(), actual.type().dims(), what + ": shape");
        double error = Agreement.relativeError(actual.toDoubles(), expected.toDoubles());
        assertTrue(error <= TOLERANCE, what + ": relative error " + error);
    }
}
