package dev.kiln.compiler.passes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.BindingSyntax;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** --shape, --dim and --const: what they bind, and the errors that say how to fix a binding. */
class BindInputsTest {
    /** x[batch,3,4] and z[batch,3,4] (sharing the symbol), y = Relu(x) + z, reshaped via Shape(x). */
    private static OnnxModelBuilder model() {
        return new OnnxModelBuilder(13).input("x", "batch", 3, 4).input("z", "batch", 3, 4)
                .longs("flat", 0, -1)
                .node("Relu", "x", "a")
                .node("Add", "a,z", "s")
                .node("Shape", "x", "xs")
                .node("Reshape", "s,flat", "y")
                .output("y");
    }

    private static Model bind(OnnxModelBuilder m, InputBindings b) {
        Model model = PassHarness.importModel(m.build());
        BindInputs.apply(model, b);
        return model;
    }

    private static String error(OnnxModelBuilder m, InputBindings b) {
        return assertThrows(CompileException.class, () -> bind(m, b)).getMessage();
    }

    @Test
    void unboundDynamicBatchNamesInputAxisSymbolAndTheFix() {
        assertEquals("input 'x' (float[batch,3,4]) has a symbolic size 'batch' on axis 0; pin it with --dim batch=N"
                + " (or --shape x=Nx3x4)", error(model(), new InputBindings()));
    }

    @Test
    void dimBindsEveryInputThatUsesTheSymbol() {
        Model m = bind(model(), new InputBindings().dim("batch", 2));
        assertArrayEquals(new long[] {2, 3, 4}, m.graph().inputs().get(0).type().dims());
        assertArrayEquals(new long[] {2, 3, 4}, m.graph().inputs().get(1).type().dims());
        PassHarness.run(model(), new InputBindings().dim("batch", 2)).assertMatchesOnnxRuntime(0);
    }

    @Test
    void shapeBindsOneInputAndItsSymbols() {
        Model m = bind(model(), new InputBindings().shape("x", 5, 3, 4).shape("z", 5, 3, 4));
        assertArrayEquals(new long[] {5, 3, 4}, m.graph().inputs().get(1).type().dims());
        PassHarness.run(model(), new InputBindings().shape("x", 1, 3, 4).dim("batch", 1)).assertMatchesOnnxRuntime(0);
    }

    @Test
    void symbolFixedByOneInputsShapeSizesTheOthers() {
        Model m = bind(model(), new InputBindings().shape("z", 4, 3, 4));
        assertArrayEquals(new long[] {4, 3, 4}, m.graph().inputs().get(0).type().dims());
        PassHarness.run(model(), new InputBindings().shape("z", 4, 3, 4)).assertMatchesOnnxRuntime(0);
    }

    @Test
    void shapeThatContradictsTheModel() {
        assertEquals("--shape x=1x5x4 sets axis 1 to 5, but the model fixes it at 3 (float[batch,3,4])",
                error(model(), new InputBindings().shape("x", 1, 5, 4).dim("batch", 1)));
        assertEquals("--shape x=1x12 gives 2 dimensions, the model declares 3 (float[batch,3,4])",
                error(model(), new InputBindings().shape("x", 1, 12).dim("batch", 1)));
    }

    @Test
    void conflictingBindingsOfOneSymbol() {
        assertEquals("--shape x=2x3x4 sets axis 0 ('batch') to 2, but --dim batch=3",
                error(model(), new InputBindings().shape("x", 2, 3, 4).dim("batch", 3)));
        assertEquals("--shape z=3x3x4 sets axis 0 ('batch') to 3, but input 'x' already has 'batch' = 2;"
                        + " inputs that share a dimension name must agree",
                error(model(), new InputBindings().shape("x", 2, 3, 4).shape("z", 3, 3, 4)));
    }

    @Test
    void shapeAndConstForTheSameInput() {
        Tensor t = Tensor.ofFloats(new long[] {1, 3, 4}, new float[12]);
        assertEquals("input 'x' is bound by both --shape x=1x3x4 and --const x=FILE; give one",
                error(model(), new InputBindings().shape("x", 1, 3, 4).constant("x", t).dim("batch", 1)));
    }

    @Test
    void bindingsThatNameNothing() {
        assertEquals("--shape w=1: the model has no input named 'w' (inputs: x, z)",
                error(model(), new InputBindings().shape("w", 1).dim("batch", 1)));
        assertEquals("--const w=FILE: the model has no input named 'w' (inputs: x, z)",
                error(model(), new InputBindings().constant("w", Tensor.scalar(1)).dim("batch", 1)));
        assertEquals("--dim n=4: no input has a dimension named 'n' (symbolic dimensions: batch)",
                error(model(), new InputBindings().dim("batch", 1).dim("n", 4)));
    }

    @Test
    void aSymbolicDimensionOfZeroOrLessNamesTheSetting() {
        assertEquals("--dim batch=0: a symbolic dimension's size must be at least 1",
                error(model(), new InputBindings().dim("batch", 0)));
        assertEquals("--dim batch=-1: a symbolic dimension's size must be at least 1",
                error(model(), new InputBindings().dim("batch", -1)));
    }

    @Test
    void errorsNameTheSettingInTheFrontEndsSyntax() {
        BindingSyntax pom = new BindingSyntax("<shape>%s=%s</shape>", "<dim>%s=%s</dim>", "<constant>%s=%s</constant>");
        assertEquals("input 'x' (float[batch,3,4]) has a symbolic size 'batch' on axis 0; pin it with <dim>batch=N</dim>"
                + " (or <shape>x=Nx3x4</shape>)", error(model(), new InputBindings().syntax(pom)));
        assertEquals("<shape>x=2x3x4</shape> sets axis 0 ('batch') to 2, but <dim>batch=3</dim>",
                error(model(), new InputBindings().syntax(pom).shape("x", 2, 3, 4).dim("batch", 3)));
        assertEquals("<constant>w=FILE</constant>: the model has no input named 'w' (inputs: x, z)",
                error(model(), new InputBindings().syntax(pom).constant("w", Tensor.scalar(1)).dim("batch", 1)));
    }

    @Test
    void aGraphInputThatDecidesShapesNamesTheSettingThatMakesItAConstant() {
        OnnxModelBuilder m = new OnnxModelBuilder(13).input("x", 2, 6)
                .typedInput("shape", TensorProto.DataType.INT64_VALUE, 2).node("Reshape", "x,shape", "y").output("y");
        String fix = "test.onnx: Reshape node 'Reshape_0' (opset 13): input 1 (shape, tensor 'shape') decides"
                + " output shapes, so Kiln needs it at compile time, but it is a graph input; bind it to a constant with ";
        assertEquals(fix + "--const shape=FILE", compileError(m, new InputBindings()));
        BindingSyntax pom = new BindingSyntax("<shape>%s=%s</shape>", "<dim>%s=%s</dim>", "<constant>%s=%s</constant>");
        assertEquals(fix + "<constant>shape=FILE</constant>", compileError(m, new InputBindings().syntax(pom)));
    }

    private static String compileError(OnnxModelBuilder m, InputBindings b) {
        Model model = PassHarness.importModel(m.build());
        return assertThrows(CompileException.class,
                () -> Compilation.of(model, CompileOptions.defaults().withBindings(b))).getMessage();
    }

    @Test
    void unknownDimensionAndMissingShape() {
        OnnxModelBuilder unknown = new OnnxModelBuilder(13).input("x", 1, "").node("Relu", "x", "y").output("y");
        assertEquals("input 'x' (float[1,?]) has no size on axis 1; give it with --shape x=1xN", error(unknown, new InputBindings()));

        OnnxModelBuilder shapeless = new OnnxModelBuilder(13).input("x").node("Relu", "x", "y").output("y");
        shapeless.graph().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().clearShape();
        assertEquals("input 'x' has no declared shape; give it with --shape x=AxBxC...", error(shapeless, new InputBindings()));
        Model m = bind(shapeless, new InputBindings().shape("x", 7));
        assertArrayEquals(new long[] {7}, m.graph().inputs().get(0).type().dims());
    }

    @Test
    void constantInputBecomesAConstant() {
        Tensor z = Tensor.ofFloats(new long[] {1, 3, 4}, new float[12]);
        Model m = bind(model(), new InputBindings().dim("batch", 1).constant("z", z));
        assertEquals(1, m.graph().inputs().size());
        Node add = m.graph().nodes().stream().filter(n -> n.is("Add")).findFirst().orElseThrow();
        assertEquals(z, add.input(1).constant());
        assertEquals("--const z=FILE has element type int64, the model declares float", error(model(),
                new InputBindings().dim("batch", 1).constant("z", Tensor.vector(1, 2))));
        assertEquals("--const z=FILE has shape [1,4,3], the model declares float[batch,3,4]", error(model(),
                new InputBindings().dim("batch", 1).constant("z", z.reshaped(1, 4, 3))));
        PassHarness.Rewritten r = PassHarness.run(model(), new InputBindings().dim("batch", 1).constant("z", z),
                "fold-constants");
        assertEquals(Map.of("Relu", 1, "Add", 1, "Reshape", 1), r.ops());
    }
}
