package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import org.junit.jupiter.api.Test;

/** check-support: every unsupported op reported at once, naming op, domain, opset and nodes. */
class CheckSupportTest {
    private static String error(OnnxModelBuilder m) {
        Model model = PassHarness.importModel(m.build());
        return assertThrows(CompileException.class,
                () -> Compilation.of(model, CompileOptions.defaults())).getMessage();
    }

    @Test
    void supportedModelPasses() {
        Model model = PassHarness.importModel(new OnnxModelBuilder(13).input("x", 2).node("Relu", "x", "y")
                .output("y").build());
        assertTrue(CheckSupport.find(model.graph(), OpRegistry.standard()).isEmpty());
    }

    @Test
    void opNewerThanTheModelsOpset() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2).node("Gelu", "x", "y").output("y");
        assertEquals("test.onnx: 1 unsupported op: Gelu (ai.onnx opset 13; Kiln supports this op from opset 20)"
                + " at node 'Gelu_0'", error(m));
    }

    @Test
    void opsetNewerThanKilnKnows() {
        int opset = OpDef.NEWEST_OPSET + 1;
        OnnxModelBuilder m = new OnnxModelBuilder(opset).input("x", 2).node("Relu", "x", "y").output("y");
        assertEquals("test.onnx: 1 unsupported op: Relu (ai.onnx opset " + opset + "; Kiln supports this op up to opset "
                + OpDef.NEWEST_OPSET + ") at node 'Relu_0'", error(m));
    }

    @Test
    void everyUnsupportedOpInOneMessage() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2)
                .node("Acosh", "x", "a").node("Relu", "a", "b").node("Acosh", "b", "c").node("Unique", "c", "y")
                .output("y");
        assertEquals("test.onnx: 2 unsupported ops: Acosh (ai.onnx opset 13; not supported) at nodes 'Acosh_0', 'Acosh_2';"
                + " Unique (ai.onnx opset 13; not supported) at node 'Unique_3'", error(m));
    }

    @Test
    void domainTheModelDoesNotImport() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2).node("FusedGemm", "x", "y").output("y");
        m.graph().getNodeBuilder(0).setDomain("com.microsoft");
        assertEquals("test.onnx: 1 unsupported op: FusedGemm (com.microsoft opset 0; the model does not import domain"
                + " 'com.microsoft') at node 'FusedGemm_0'", error(m));
    }

    @Test
    void importedForeignDomainOpIsNotSupported() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2).node("FusedGemm", "x", "y").output("y");
        m.graph().getNodeBuilder(0).setDomain("com.microsoft");
        Model model = PassHarness.importModel(m.build().toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1)).build());
        CompileException e = assertThrows(CompileException.class, () -> CheckSupport.check(model.graph(), OpRegistry.standard()));
        assertEquals("1 unsupported op: FusedGemm (com.microsoft opset 1; not supported) at node 'FusedGemm_0'", e.getMessage());
    }
}
