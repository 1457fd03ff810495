package dev.kiln.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.IrPrinter;
import dev.kiln.compiler.onnx.text.OnnxTextReader;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Model-local functions, inlined by the importer, against ONNX Runtime running the
 * original model with its functions.
 */
class FunctionInlinerTest {
    private static final String MODEL = """
            <ir_version: 9, opset_import: ["" : 17, "local" : 1]>
            main (float[3, 4] x) => (float[3, 4] y, float[3, 4] z) {
                [call] y = local.ScaledSquare <scale = 3.0> (x)
                z = local.Twice (y)
            }

            <domain: "local", opset_import: ["" : 17]>
            ScaledSquare <scale, shift: float = 0.25> (a) => (b) {
                sq = Mul(a, a)
                s = Constant <value_float: float = @scale> ()
                scaled = Mul(sq, s)
                t = Constant <value_float: float = @shift> ()
                b = Add(scaled, t)
            }

            <domain: "local", opset_import: ["" : 17, "local" : 1]>
            Twice (a) => (b) {
                h = local.ScaledSquare <scale = 0.5, shift = -1.0> (a)
                b = Add(h, h)
            }
            """;

    @Test
    void callsAreReplacedByTheirBodiesWithAttributesAndDefaults() {
        PassHarness.Rewritten r = PassHarness.run(MODEL);
        r.assertOps(Map.of("Mul", 4, "Add", 3));
        r.assertMatchesOnnxRuntime(1e-6);
    }

    @Test
    void innerValuesAreNamedUnderTheCall() {
        String ir = IrPrinter.print(PassHarness.importModel(OnnxTextReader.parse(MODEL)).graph());
        assertEquals(true, ir.contains("call/sq"), ir);
    }

    private static String error(String functions, String call) {
        String model = """
                <ir_version: 9, opset_import: ["" : 17, "local" : 1]>
                main (float[2] x) => (float[2] y) { y = %s }
                %s""".formatted(call, functions);
        return assertThrows(CompileException.class, () -> PassHarness.importModel(OnnxTextReader.parse(model)))
                .getMessage();
    }

    @Test
    void whatCannotBeInlinedIsRefusedByName() {
        assertEquals("function 'local.Old' imports ai.onnx opset 13 but the model imports opset 17; Kiln inlines a "
                + "function only when both import the same version of each domain",
                error("<domain: \"local\", opset_import: [\"\" : 13]> Old (a) => (b) { b = Relu(a) }", "local.Old(x)"));
        assertEquals("function 'local.Loop' is called more than 50 levels deep; does it call itself?",
                error("<domain: \"local\", opset_import: [\"local\" : 1]> Loop (a) => (b) { b = local.Loop(a) }",
                        "local.Loop(x)"));
        assertEquals("function 'local.Branchy': node If has a subgraph; Kiln does not inline functions whose bodies "
                + "have subgraphs",
                error("<domain: \"local\", opset_import: [\"\" : 17]> Branchy (c, a) => (b) "
                        + "{ b = If (c) <then_branch = t () => (o) { o = Relu(a) }, else_branch = e () => (o) { o = Relu(a) }> }",
                        "local.Branchy(x, x)"));
        StringBuilder doubling = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            doubling.append("<domain: \"local\", opset_import: [\"\" : 17, \"local\" : 1]> F%d (a) => (b) ".formatted(i))
                    .append(i == 29 ? "{ b = Relu(a) }\n" : "{ c = local.F%d(a) b = local.F%d(c) }\n".formatted(i + 1, i + 1));
        }
        assertEquals("inlining the model's functions would make more than 1000000 nodes",
                error(doubling.toString(), "local.F0(x)"));
        assertEquals("node (unnamed) calling function 'local.Id': the function has no attribute 'alpha'",
                error("<domain: \"local\", opset_import: [\"\" : 17]> Id (a) => (b) { b = Identity(a) }",
                        "local.Id <alpha = 1.0> (x)"));
        assertEquals("node (unnamed) calling function 'local.Id': it has 2 inputs and 1 outputs; the function takes 1 and 1",
                error("<domain: \"local\", opset_import: [\"\" : 17]> Id (a) => (b) { b = Identity(a) }",
                        "local.Id(x, x)"));
    }
}
