package dev.kiln.compiler.passes;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** remove-identities: Identity, inference Dropout and same-type Cast go; the numbers stay. */
class RemoveIdentitiesTest {
    private static final String PASS = "remove-identities";

    @Test
    void identityDropoutAndSameTypeCastAreRemoved() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 3)
                .node("Relu", "x", "a")
                .node("Identity", "a", "b")
                .node("Dropout", "b", "c")
                .node("Cast", "c", "d", attr("to", (long) OnnxModelBuilder.FLOAT))
                .node("Sigmoid", "d", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(3, r.rewrites(PASS));
        r.assertOps(Map.of("Relu", 1, "Sigmoid", 1));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void identityAsTheGraphOutputIsRemoved() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 4)
                .node("Relu", "x", "a").node("Identity", "a", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("Relu", 1));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void dropoutMaskBecomesAllTrue() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 2)
                .node("Dropout", "x", "d,mask")
                .node("Cast", "mask", "fmask", attr("to", (long) OnnxModelBuilder.FLOAT))
                .node("Mul", "d,fmask", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(1, r.rewrites(PASS));
        assertEquals(null, r.ops().get("Dropout"));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void castToAnotherTypeStays() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 5)
                .node("Cast", "x", "i", attr("to", (long) OnnxModelBuilder.INT64))
                .node("Cast", "i", "y", attr("to", (long) OnnxModelBuilder.FLOAT))
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertOps(Map.of("Cast", 2));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void trainingModeDropoutWithRatioZeroIsRemoved() {
        PassHarness.Rewritten r = PassHarness.run("""
                <ir_version: 8, opset_import: ["" : 13]>
                test (float[2,3] x) => (float[] y) <float ratio = {0.0}, bool train = {1}> {
                    d, mask = Dropout(x, ratio, train)
                    fmask = Cast <to = 1> (mask)
                    y = Mul(d, fmask)
                }
                """, PASS);
        assertEquals(null, r.ops().get("Dropout"));
        r.assertMatchesOnnxRuntime(0);
    }

    @Test
    void trainingModeDropoutIsRefused() {
        String model = """
                <ir_version: 8, opset_import: ["" : 13]>
                test (float[5] x) => (float[] y) <float ratio = {0.5}, bool train = {1}> {
                    [Dropout_0] y = Dropout(x, ratio, train)
                }
                """;
        CompileException e = assertThrows(CompileException.class, () -> PassHarness.run(model, PASS));
        assertTrue(e.getMessage().contains("Dropout node 'Dropout_0' (opset 13): training mode is supported only with a constant ratio of 0"),
                e.getMessage());
    }
}
