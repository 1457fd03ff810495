package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.conformance.TensorComparison;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 11, numerics at the edges: NaN, +inf and -inf go through each fused kernel as
 * PyTorch computes them (and ONNX defines them: NaN in, NaN out; inf - inf, 0 * inf and
 * inf / inf are NaN). The cases, written by {@code nonfinite/make_expected.py} with PyTorch
 * (model, an input with non-finite values at chosen places, PyTorch's output), cover
 * FusedConv with each activation (3x3, pointwise, depthwise, with a residual),
 * LayerNormalization, GroupNormalization, Softmax and LowFormer's attention. Each is compiled
 * as Kiln would (the layout the profile prefers) and again in ONNX's layout (choose-layout
 * off), on the back end under test ({@link KilnRunner#TARGET}: the build runs this class on
 * {@code java} and on {@code vector}). The outputs must have NaN and infinities exactly where
 * PyTorch's do, and the finite values close.
 *
 * <p>ONNX Runtime is run on every case too; where it differs from PyTorch is listed in
 * {@link #ONNX_RUNTIME_DIFFERS} and in docs/robustness.md, and the test fails if that list
 * is no longer true.
 */
class NonFiniteValuesTest {
    private static final Path DIR = Path.of("src/test/resources/dev/kiln/codegen/nonfinite");
    private static final double RTOL = 1e-4;
    private static final double ATOL = 1e-5;
    /** The cases where ONNX Runtime's output is not PyTorch's (docs/robustness.md). */
    private static final Set<String> ONNX_RUNTIME_DIFFERS = Set.of();
    /** The fused op each case must compile into, so that the test runs that kernel. */
    private static final Map<String, String> KERNEL = Map.of(
            "conv", "FusedConv", "layernorm", "LayerNormalization", "groupnorm", "GroupNormalization",
            "softmax", "Softmax", "attention", "Attention", "activation", "");

    static Stream<Arguments> cases() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".onnx"))
                    .map(f -> f.substring(0, f.length() - ".onnx".length())).sorted().toList();
            return names.stream().flatMap(n -> Stream.of(Arguments.of(n, true), Arguments.of(n, false)));
        }
    }

    @ParameterizedTest(name = "{0}, profile layout {1}")
    @MethodSource("cases")
    void nonFiniteValuesGoThroughAsInPyTorch(String name, boolean chooseLayout) throws IOException {
        ModelProto model = ModelProto.parseFrom(Files.readAllBytes(DIR.resolve(name + ".onnx")));
        Tensor x = floats(name + ".input.bin", model.getGraph().getInput(0).getType().getTensorType().getShape());
        Tensor torch = floats(name + ".output.bin", model.getGraph().getOutput(0).getType().getTensorType().getShape());
        Compilation c = KilnRunner.compile(model, chooseLayout ? Set.of() : Set.of("choose-layout"));
        String kernel = KERNEL.get(name.split("_")[0]);
        assertTrue(c.model().graph().opHistogram().keySet().stream().anyMatch(op -> op.endsWith(kernel)),
                name + " does not compile into " + kernel + ": " + c.model().graph().opHistogram());
        Tensor kiln = KilnRunner.run(c, List.of(x), 1).get(0);
        assertNull(TensorComparison.mismatch(torch, kiln, RTOL, ATOL), name + " on " + KilnRunner.TARGET + ", vs PyTorch");
        String ort = TensorComparison.mismatch(torch, OrtRunner.run(model, List.of(x)).get(0), RTOL, ATOL);
        assertEquals(ONNX_RUNTIME_DIFFERS.contains(name), ort != null, name + ": ONNX Runtime vs PyTorch: " + ort);
    }

    /** The committed cases are what make_expected.py writes with the PyTorch installed here. */
    @Test
    @Tag("full")
    void casesAreCurrent(@TempDir Path tmp) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", DIR.resolve("make_expected.py").toString(), tmp.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "make_expected.py failed (needs Debian's python3-torch):\n" + log);
        try (Stream<Path> written = Files.list(tmp)) {
            for (Path f : written.filter(f -> f.toString().endsWith(".bin")).toList()) {
                assertTrue(java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(DIR.resolve(f.getFileName()))),
                        f.getFileName() + " differs from the committed one: run make_expected.py");
            }
        }
    }

    private static Tensor floats(String file, TensorShapeProto shape) {
        long[] dims = shape.getDimList().stream().mapToLong(TensorShapeProto.Dimension::getDimValue).toArray();
        return Tensor.ofFloats(dims, Fixtures.readFloats(DIR.resolve(file)));
    }
}
