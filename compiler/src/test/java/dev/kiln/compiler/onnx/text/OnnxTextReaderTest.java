package dev.kiln.compiler.onnx.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.NewerProtoFields;
import dev.kiln.compiler.onnx.OnnxFunction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the reader makes of the parts of the syntax that ONNX 1.12's parser (the oracle
 * of OnnxParserOracleTest) cannot read: quoted names, node labels, overloads, every
 * attribute kind, composed types, external data, functions with attribute defaults.
 * Each is also printed and read back.
 */
class OnnxTextReaderTest {
    private static ModelProto parse(String text) {
        ModelProto m = OnnxTextReader.parse(text);
        OnnxTextRoundTripTest.assertRoundTrip(m, "the test model");
        return m;
    }

    @Test
    void theExampleOfTheIssue() {
        ModelProto m = parse("<ir_version: 8, opset_import: [\"\" : 17]> agraph (float[N,3] X) => (float[N,3] Y) { Y = Relu(X) }");
        assertEquals(8, m.getIrVersion());
        assertEquals(17, m.getOpsetImport(0).getVersion());
        GraphProto g = m.getGraph();
        assertEquals("agraph", g.getName());
        TensorShapeProto shape = g.getInput(0).getType().getTensorType().getShape();
        assertEquals("N", shape.getDim(0).getDimParam());
        assertEquals(3, shape.getDim(1).getDimValue());
        assertEquals(NodeProto.newBuilder().addInput("X").addOutput("Y").setOpType("Relu").setDomain("").build(),
                g.getNode(0));
    }

    @Test
    void quotedNamesLabelsDomainsAndOverloads() {
        ModelProto m = parse("""
                <ir_version: 9, opset_import: ["" : 17, "com.example" : 1]>
                "torch-jit" (float[1, "batch size"] "input.1") => (float[1, "batch size"] "/stem/Relu_output_0", y) {
                    ["/stem/Relu"] "/stem/Relu_output_0" = Relu("input.1")
                    [] y, "" = com.example.Split:v2 ("/stem/Relu_output_0", , "")
                    = com.example.Log(y,)  # no outputs; a trailing comma adds no input
                }
                """);
        GraphProto g = m.getGraph();
        assertEquals("torch-jit", g.getName());
        assertEquals("input.1", g.getInput(0).getName());
        assertEquals("batch size", g.getInput(0).getType().getTensorType().getShape().getDim(1).getDimParam());
        assertEquals("/stem/Relu", g.getNode(0).getName());
        assertEquals(List.of("input.1"), g.getNode(0).getInputList());
        NodeProto split = g.getNode(1);
        assertTrue(split.hasName());
        assertEquals("", split.getName());
        assertEquals("com.example", split.getDomain());
        assertEquals("Split", split.getOpType());
        assertEquals("v2", NewerProtoFields.overload(split));
        assertEquals(List.of("y", ""), split.getOutputList());
        assertEquals(List.of("/stem/Relu_output_0", "", ""), split.getInputList());
        assertEquals(List.of(), g.getNode(2).getOutputList());
        assertEquals(List.of("y"), g.getNode(2).getInputList());
    }

    @Test
    void everyKindOfAttribute() {
        ModelProto m = parse("""
                <ir_version: 9, opset_import: ["" : 17]>
                g (float x) => (float y) {
                    y = Op <i = -3, f = 1.5e-3, s = "a \\"quoted\\" \\\\ größe", is = [1, -2], fs = [1.0, 2], ss = ["x", "y"],
                            t = float[2] {1.0, -2.5}, ts = [int64[1] named {3}, float = {4.0}],
                            sub = body () => (float z) { z = Constant <value_float = 1.0> () },
                            subs = [a () => () {}, b () => () {}],
                            tp = seq(float[N]), tps = [float, optional(int64[2])],
                            empty: ints = [], cast: float = 3, list: floats = [1, 2],
                            ref: float = @alpha, not_a_number = nan, minus_inf = -inf, inf_list = [inf, -Infinity]>
                        (x)
                }
                """);
        List<AttributeProto> a = m.getGraph().getNode(0).getAttributeList();
        assertEquals(AttributeProto.newBuilder().setName("i").setType(AttributeType.INT).setI(-3).build(), a.get(0));
        assertEquals(1.5e-3f, a.get(1).getF());
        assertEquals("a \"quoted\" \\ größe", a.get(2).getS().toStringUtf8());
        assertEquals(List.of(1L, -2L), a.get(3).getIntsList());
        assertEquals(AttributeType.FLOATS, a.get(4).getType());
        assertEquals(List.of(1.0f, 2.0f), a.get(4).getFloatsList());
        assertEquals(2, a.get(5).getStringsCount());
        TensorProto t = a.get(6).getT();
        assertEquals(List.of(2L), t.getDimsList());
        assertEquals(List.of(1.0f, -2.5f), t.getFloatDataList());
        assertEquals("named", a.get(7).getTensors(0).getName());
        assertEquals(List.of(), a.get(7).getTensors(1).getDimsList());
        assertEquals("body", a.get(8).getG().getName());
        assertEquals(2, a.get(9).getGraphsCount());
        assertEquals(NewerProtoFields.TYPE_PROTO, NewerProtoFields.attributeType(a.get(10)));
        assertTrue(NewerProtoFields.typeProtos(a.get(10)).get(0).hasSequenceType());
        List<TypeProto> types = NewerProtoFields.typeProtos(a.get(11));
        assertEquals(NewerProtoFields.TYPE_PROTOS, NewerProtoFields.attributeType(a.get(11)));
        assertEquals(2, types.size());
        assertTrue(NewerProtoFields.optionalElementType(types.get(1)).hasTensorType());
        assertEquals(AttributeType.INTS, a.get(12).getType());
        assertEquals(0, a.get(12).getIntsCount());
        assertEquals(AttributeType.FLOAT, a.get(13).getType());
        assertEquals(3f, a.get(13).getF());
        assertEquals(List.of(1.0f, 2.0f), a.get(14).getFloatsList());
        assertEquals("alpha", a.get(15).getRefAttrName());
        assertEquals(AttributeType.FLOAT, a.get(15).getType());
        assertTrue(Float.isNaN(a.get(16).getF()));
        assertEquals(Float.NEGATIVE_INFINITY, a.get(17).getF());
        assertEquals(List.of(Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY), a.get(18).getFloatsList());
    }

    @Test
    void composedTypes() {
        GraphProto g = parse("""
                <ir_version: 9, opset_import: ["" : 17]>
                types (seq(float[N]) a, map(int64, seq(float)) b, optional(float[3]) c, sparse_tensor(float[4, 4]) d,
                       opaque(my.domain, thing) e, float[] f, float s, int64[?, 3] p, untyped) => () {}
                """).getGraph();
        assertEquals("N", g.getInput(0).getType().getSequenceType().getElemType().getTensorType().getShape()
                .getDim(0).getDimParam());
        assertEquals(7, g.getInput(1).getType().getMapType().getKeyType());
        assertTrue(g.getInput(1).getType().getMapType().getValueType().hasSequenceType());
        assertEquals(3, NewerProtoFields.optionalElementType(g.getInput(2).getType()).getTensorType().getShape()
                .getDim(0).getDimValue());
        assertEquals(2, g.getInput(3).getType().getSparseTensorType().getShape().getDimCount());
        assertEquals("my.domain", g.getInput(4).getType().getOpaqueType().getDomain());
        assertEquals("thing", g.getInput(4).getType().getOpaqueType().getName());
        assertFalse(g.getInput(5).getType().getTensorType().hasShape(), "float[] has no shape (rank unknown)");
        assertTrue(g.getInput(6).getType().getTensorType().hasShape(), "float is a scalar");
        assertEquals(0, g.getInput(6).getType().getTensorType().getShape().getDimCount());
        TensorShapeProto.Dimension unknown = g.getInput(7).getType().getTensorType().getShape().getDim(0);
        assertFalse(unknown.hasDimValue() || unknown.hasDimParam());
        assertFalse(g.getInput(8).hasType());
    }

    @Test
    void initializersValueInfosAndExternalData() {
        GraphProto g = parse("""
                <ir_version: 9, opset_import: ["" : 17], metadata_props: ["author" : "kiln", "k" : "v"]>
                init (float[2] x, float[2] b = {1.0, 2.0}) => (float[2] y)
                <float[2] w = ["location" : "weights.bin", "offset" : "8", "length" : "8"], float[2] t,
                 uint64[2] big = {18446744073709551615, 0}, float16[2] h = {15360, 48128}, string[1] s = {"ü"}>
                {
                    t = Add(x, b)
                    y = Mul(t, w)
                }
                """).getGraph();
        assertEquals(List.of("x", "b"), g.getInputList().stream().map(v -> v.getName()).toList());
        assertEquals("b", g.getInitializer(0).getName());
        TensorProto w = g.getInitializer(1);
        assertEquals(TensorProto.DataLocation.EXTERNAL, w.getDataLocation());
        assertEquals(StringStringEntryProto.newBuilder().setKey("offset").setValue("8").build(), w.getExternalData(1));
        assertEquals("t", g.getValueInfo(0).getName());
        assertEquals(-1L, g.getInitializer(2).getUint64Data(0));
        assertEquals(List.of(15360, 48128), g.getInitializer(3).getInt32DataList());
        assertEquals("ü", g.getInitializer(4).getStringData(0).toStringUtf8());
    }

    @Test
    void functionsWithAttributeDefaultsAndValueInfos() {
        ModelProto m = parse("""
                <ir_version: 9, opset_import: ["" : 17, "local" : 1]>
                main (float[2] x) => (float[2] y) { y = local.Scale <factor = 2.0> (x) }

                <domain: "local", opset_import: ["" : 17], doc_string: "x times factor, plus bias">
                Scale <factor, bias: float = 0.5> (float[N] a) => (b) <float[N] scaled> {
                    f = Constant <value_float: float = @factor> ()
                    scaled = Mul(a, f)
                    c = Constant <value_float: float = @bias> ()
                    b = Add(scaled, c)
                }
                """);
        OnnxFunction f = NewerProtoFields.functions(m).get(0);
        assertEquals("Scale", f.name());
        assertEquals("local", f.domain());
        assertEquals(List.of("factor"), f.attributes());
        assertEquals("bias", f.attributeDefaults().get(0).getName());
        assertEquals(0.5f, f.attributeDefaults().get(0).getF());
        assertEquals(List.of("a"), f.inputs());
        assertEquals(List.of("a", "scaled"), f.valueInfos().stream().map(v -> v.getName()).toList());
        assertEquals(4, f.nodes().size());
        assertEquals("x times factor, plus bias", f.docString());
    }

    @Test
    void attributesMayFollowTheInputsAndCommentsGoAnywhere() {
        NodeProto n = parse("""
                # a model
                <ir_version: 9, # the IR
                 opset_import: ["" : 17]>
                g (float[2] x) => (float[2] y) {
                    y = LeakyRelu (x) <alpha = 0.5>  # attributes after the inputs
                }
                """).getGraph().getNode(0);
        assertEquals(0.5f, n.getAttribute(0).getF());
        assertEquals(List.of("x"), n.getInputList());
    }
}
