package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** fuse-erf-gelu against ONNX Runtime's Gelu (opset 20) and the unfused original. */
class FuseErfGeluTest {
    private static final String PASS = "fuse-erf-gelu";
    private static final float SQRT2 = (float) Math.sqrt(2);

    /** PyTorch's opset-13 export of nn.GELU(): ((x / sqrt2).erf() + 1) * x * 0.5. */
    private static OnnxModelBuilder torchGelu(float divisor, float one, float half) {
        return new OnnxModelBuilder(13).input("x", 2, 3, 8)
                .scalar("sqrt2", divisor).scalar("one", one).scalar("half", half)
                .node("Div", "x,sqrt2", "d")
                .node("Erf", "d", "e")
                .node("Add", "e,one", "p")
                .node("Mul", "x,p", "m")
                .node("Mul", "m,half", "y")
                .output("y");
    }

    @Test
    void pytorchExportBecomesOneGelu() {
        PassHarness.Rewritten r = PassHarness.run(torchGelu(SQRT2, 1, 0.5f), PASS);
        r.assertOps(Map.of("Gelu", 1));
        assertEquals(1, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void mulByInverseSqrt2AndHalfAppliedFirstAlsoFuse() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 4, 5)
                .scalar("inv", (float) (1 / Math.sqrt(2))).scalar("one", 1).scalar("half", 0.5f)
                .node("Mul", "inv,x", "d")
                .node("Erf", "d", "e")
                .node("Add", "one,e", "p")
                .node("Mul", "x,half", "xh")
                .node("Mul", "xh,p", "y")
                .output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        r.assertOps(Map.of("Gelu", 1));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void twoGelusInSequenceBothFuse() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 3, 4)
                .scalar("sqrt2", SQRT2).scalar("one", 1).scalar("half", 0.5f);
        String in = "x";
        for (int i = 0; i < 2; i++) {
            m.node("Div", in + ",sqrt2", "d" + i).node("Erf", "d" + i, "e" + i).node("Add", "e" + i + ",one", "p" + i)
                    .node("Mul", in + ",p" + i, "m" + i).node("Mul", "m" + i + ",half", "g" + i);
            in = "g" + i;
        }
        PassHarness.Rewritten r = PassHarness.run(m.output("g1"), PASS);
        r.assertOps(Map.of("Gelu", 2));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void wrongConstantsAreLeftAlone() {
        for (OnnxModelBuilder m : new OnnxModelBuilder[] {
            torchGelu(2f, 1, 0.5f), torchGelu(SQRT2, 2, 0.5f), torchGelu(SQRT2, 1, 0.25f)}) {
            PassHarness.Rewritten r = PassHarness.run(m, PASS);
            assertEquals(0, r.rewrites(PASS));
            assertEquals(1, r.ops().get("Erf"));
            r.assertMatchesOnnxRuntime(1e-6);
        }
    }

    @Test
    void intermediateReadElsewhereIsLeftAlone() {
        PassHarness.Rewritten r = PassHarness.run(torchGelu(SQRT2, 1, 0.5f).output("e"), PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void multiplyingByAnotherTensorIsLeftAlone() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 8).input("z", 2, 8)
                .scalar("sqrt2", SQRT2).scalar("one", 1).scalar("half", 0.5f)
                .node("Div", "x,sqrt2", "d").node("Erf", "d", "e").node("Add", "e,one", "p")
                .node("Mul", "z,p", "m").node("Mul", "m,half", "y").output("y");
        PassHarness.Rewritten r = PassHarness.run(m, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void constantsThatBroadcastToAHigherRankAreLeftAlone() {
        // One-element constants of shape [1,1,1] make y [1,2,8] while Gelu(x) would be [2,8].
        PassHarness.Rewritten r = PassHarness.run("""
                <ir_version: 8, opset_import: ["" : 13]>
                test (float[2,8] x) => (float[] y) <float[1,1,1] sqrt2 = {1.4142135}, float one = {1.0}, float half = {0.5}> {
                    d = Div(x, sqrt2)
                    e = Erf(d)
                    p = Add(e, one)
                    m = Mul(x, p)
                    g = Mul(m, half)
                    y = Transpose <perm = [2, 1, 0]> (g)
                }
                """, PASS);
        assertEquals(0, r.rewrites(PASS));
        r.assertMatchesOnnxRuntime(1e-6);
    }
}
