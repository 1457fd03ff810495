package dev.kiln.compiler.ops;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import dev.kiln.compiler.testing.PassHarness;
import org.junit.jupiter.api.Test;

/** dev.kiln.Attention's type inference in both layouts, and its errors, which name the node. */
class AttentionTest {
    /** A model of one dev.kiln.Attention node named "attn" on x of {@code elementType} and {@code dims}. */
    private static ModelProto attention(int elementType, long[] dims, AttributeProto... attributes) {
        OnnxModelBuilder m = new OnnxModelBuilder(17).typedInput("x", elementType, (Object[]) box(dims))
                .node("Attention", "x", "y", attributes).output("y", elementType);
        m.graph().getNodeBuilder(0).setDomain(Node.KILN_DOMAIN).setName("attn");
        return m.build().toBuilder()
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(Node.KILN_DOMAIN).setVersion(1)).build();
    }

    private static ModelProto attention(long[] dims, AttributeProto... attributes) {
        return attention(OnnxModelBuilder.FLOAT, dims, attributes);
    }

    private static Long[] box(long[] dims) {
        Long[] b = new Long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            b[i] = dims[i];
        }
        return b;
    }

    private static TensorType outputType(ModelProto model) {
        Compilation c = Compilation.of(PassHarness.importModel(model), CompileOptions.defaults());
        return c.model().graph().outputs().get(0).type();
    }

    /** Compiling {@code model} fails with {@code message}, after the file, op, node and opset. */
    private static void assertError(String message, ModelProto model) {
        String e = assertThrows(CompileException.class,
                () -> Compilation.of(PassHarness.importModel(model), CompileOptions.defaults())).getMessage();
        assertEquals("test.onnx: dev.kiln.Attention node 'attn' (opset 1): " + message, e);
    }

    @Test
    void channelsFirstKeepsTheImageAndOneThirdOfTheChannels() {
        TensorType y = outputType(attention(new long[] {2, 18, 3, 5}, attr("heads", 2L), attr("head_dim", 3L),
                attr("scale", 0.5f)));
        assertEquals(new TensorType(ElementType.FLOAT, 2, 6, 3, 5), y);
    }

    @Test
    void channelsLastHasTheChannelsLast() {
        TensorType y = outputType(attention(new long[] {2, 3, 5, 18}, attr("heads", 3L), attr("head_dim", 2L),
                attr("scale", 0.5f), attr("channels_last", 1L)));
        assertEquals(new TensorType(ElementType.FLOAT, 2, 3, 5, 6), y);
    }

    @Test
    void channelsThatAreNotHeadsTimesThreeTimesHeadDimAreAnError() {
        assertError("input X [1,10,2,2] must have heads x 3 x head_dim = 1 x 3 x 3 = 9 channels on axis 1",
                attention(new long[] {1, 10, 2, 2}, attr("heads", 1L), attr("head_dim", 3L), attr("scale", 1f)));
    }

    @Test
    void missingScaleIsAnError() {
        assertError("attribute scale is required and must be finite, got NaN",
                attention(new long[] {1, 9, 2, 2}, attr("heads", 1L), attr("head_dim", 3L)));
    }

    @Test
    void missingHeadsIsAnError() {
        assertError("required attribute 'heads' is missing",
                attention(new long[] {1, 9, 2, 2}, attr("head_dim", 3L), attr("scale", 1f)));
    }

    @Test
    void otherLayoutsAreAnError() {
        assertError("channels_last must be 0 or 1, got 2",
                attention(new long[] {1, 9, 2, 2}, attr("heads", 1L), attr("head_dim", 3L), attr("scale", 1f),
                        attr("channels_last", 2L)));
    }

    @Test
    void inputOfRankThreeIsAnError() {
        assertError("input X must have rank 4 (N, C, h, w), got [1,9,4]",
                attention(new long[] {1, 9, 4}, attr("heads", 1L), attr("head_dim", 3L), attr("scale", 1f)));
    }

    @Test
    void doubleInputIsAnError() {
        assertError("input 0 has element type double, which this op does not support (supported: float)",
                attention(TensorProto.DataType.DOUBLE_VALUE, new long[] {1, 9, 2, 2}, attr("heads", 1L),
                        attr("head_dim", 3L), attr("scale", 1f)));
    }
}
