package dev.kiln.compiler.onnx.text;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.onnx.NewerProtoFields;
import dev.kiln.compiler.onnx.OnnxFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes a ModelProto in ONNX's text syntax, in a form {@link OnnxTextReader} reads
 * back to the same model: {@code print(parse(print(m))) == print(m)}.
 *
 * <p>Without weights, a tensor of more than {@value #SHOWN_VALUES} values is written
 * as an external-data reference with the key {@code kiln.elided}, which keeps the
 * text valid and which the importer refuses by name. What the syntax has no place
 * for is left out: doc strings (except the model's and functions'), denotations,
 * sparse initializers, training info, metadata on nodes and values.
 */
public final class OnnxTextPrinter {
    /** Tensors up to this many values are always written out (shape constants, small biases). */
    public static final int SHOWN_VALUES = 16;
    /**
     * The external-data key written in place of an elided tensor's values
     * ({@code float[64,3,3,3] w = ["kiln.elided": "1728 values"]}): valid syntax, which ONNX's
     * own parser reads too, and which the importer refuses with a message that says why.
     */
    public static final String ELIDED_KEY = "kiln.elided";
    private static final int VALUES_PER_LINE = 8;
    private static final String INDENT = "  ";

    private final StringBuilder out = new StringBuilder();
    private final boolean weights;

    private OnnxTextPrinter(boolean weights) {
        this.weights = weights;
    }

    /**
     * @param weights write every tensor's values; otherwise tensors of more than
     *     {@value #SHOWN_VALUES} values are elided
     * @throws CompileException for what the syntax cannot write (an op type that is not an identifier, a
     *     sparse tensor attribute, data that does not fit its tensor's shape)
     */
    public static String print(ModelProto model, boolean weights) {
        OnnxTextPrinter p = new OnnxTextPrinter(weights);
        p.model(model);
        return p.out.toString();
    }

    private void model(ModelProto m) {
        List<String> header = new ArrayList<>();
        if (m.hasIrVersion()) {
            header.add("ir_version: " + m.getIrVersion());
        }
        if (m.getOpsetImportCount() > 0) {
            header.add("opset_import: " + opsets(m.getOpsetImportList()));
        }
        if (m.hasProducerName()) {
            header.add("producer_name: " + Syntax.quote(m.getProducerName()));
        }
        if (m.hasProducerVersion()) {
            header.add("producer_version: " + Syntax.quote(m.getProducerVersion()));
        }
        if (m.hasDomain()) {
            header.add("domain: " + Syntax.quote(m.getDomain()));
        }
        if (m.hasModelVersion()) {
            header.add("model_version: " + m.getModelVersion());
        }
        if (m.hasDocString()) {
            header.add("doc_string: " + Syntax.quote(m.getDocString()));
        }
        if (m.getMetadataPropsCount() > 0) {
            header.add("metadata_props: " + pairs(m.getMetadataPropsList()));
        }
        header(header, "");
        graph(m.getGraph(), "");
        out.append('\n');
        for (OnnxFunction f : NewerProtoFields.functions(m)) {
            out.append('\n');
            function(f);
        }
    }

    private void header(List<String> entries, String indent) {
        if (!entries.isEmpty()) {
            out.append(indent).append("<\n");
            for (int i = 0; i < entries.size(); i++) {
                out.append(indent).append(INDENT).append(entries.get(i)).append(i + 1 < entries.size() ? ",\n" : "\n");
            }
            out.append(indent).append(">\n");
        }
    }

    private static String opsets(List<OperatorSetIdProto> opsets) {
        return join("[", opsets, o -> Syntax.quote(o.getDomain()) + " : " + o.getVersion(), "]");
    }

    private static String pairs(List<StringStringEntryProto> pairs) {
        return join("[", pairs, p -> Syntax.quote(p.getKey()) + ": " + Syntax.quote(p.getValue()), "]");
    }

    /** A graph, from its name to its closing brace; {@code indent} is the indentation of that brace. */
    private void graph(GraphProto g, String indent) {
        out.append(Syntax.name(g.getName())).append(' ')
                .append(join("(", g.getInputList(), this::valueInfo, ")")).append(" => ")
                .append(join("(", g.getOutputList(), this::valueInfo, ")")).append('\n');
        if (g.getInitializerCount() + g.getValueInfoCount() > 0) {
            out.append(indent).append("<\n");
            int left = g.getInitializerCount() + g.getValueInfoCount();
            for (TensorProto t : g.getInitializerList()) {
                out.append(indent).append(INDENT);
                tensor(t, true, indent + INDENT);
                out.append(--left > 0 ? ",\n" : "\n");
            }
            for (ValueInfoProto v : g.getValueInfoList()) {
                out.append(indent).append(INDENT).append(valueInfo(v)).append(--left > 0 ? ",\n" : "\n");
            }
            out.append(indent).append(">\n");
        }
        nodes(g.getNodeList(), indent);
    }

    private void nodes(List<NodeProto> nodes, String indent) {
        out.append(indent).append("{\n");
        for (NodeProto n : nodes) {
            node(n, indent + INDENT);
        }
        out.append(indent).append('}');
    }

    private void node(NodeProto n, String indent) {
        out.append(indent);
        if (n.hasName()) {
            out.append('[').append(Syntax.name(n.getName())).append("] ");
        }
        out.append(String.join(", ", n.getOutputList().stream().map(Syntax::name).toList()));
        out.append(n.getOutputCount() > 0 ? " = " : "= ");
        for (String part : (n.getDomain().isEmpty() ? "" : n.getDomain() + ".").concat(n.getOpType()).split("\\.", -1)) {
            require(Syntax.isIdentifier(part), "node '" + n.getName() + "': op '" + n.getDomain() + "." + n.getOpType()
                    + "' is not a dotted name and cannot be written in the text syntax");
        }
        out.append(n.getDomain().isEmpty() ? "" : n.getDomain() + ".").append(n.getOpType());
        String overload = NewerProtoFields.overload(n);
        if (!overload.isEmpty()) {
            require(Syntax.isIdentifier(overload), "node '" + n.getName() + "': overload '" + overload
                    + "' is not an identifier and cannot be written in the text syntax");
            out.append(':').append(overload);
        }
        String inputs = join("(", n.getInputList(), Syntax::name, ")");
        boolean subgraphs = n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        if (n.getAttributeCount() == 0) {
            out.append(inputs);
        } else if (subgraphs) {
            out.append(' ').append(inputs).append(' ');
            attributes(n.getAttributeList(), indent);
        } else {
            out.append(' ');
            attributes(n.getAttributeList(), indent);
            out.append(' ').append(inputs);
        }
        out.append('\n');
    }

    private void attributes(List<AttributeProto> attributes, String indent) {
        out.append('<');
        for (int i = 0; i < attributes.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            attribute(attributes.get(i), indent);
        }
        out.append('>');
    }

    private void attribute(AttributeProto a, String indent) {
        require(Syntax.isIdentifier(a.getName()), "attribute '" + a.getName()
                + "' is not an identifier and cannot be written in the text syntax");
        int type = NewerProtoFields.attributeType(a);
        String typeName = Syntax.attributeTypeName(type);
        out.append(a.getName());
        if (!a.getRefAttrName().isEmpty()) {
            out.append(typeName == null ? "" : ": " + typeName).append(" = @").append(Syntax.name(a.getRefAttrName()));
            return;
        }
        require(typeName != null && type != AttributeType.SPARSE_TENSOR_VALUE && type != AttributeType.SPARSE_TENSORS_VALUE,
                "attribute '" + a.getName() + "' is " + (typeName == null ? "of no known type" : "a " + typeName)
                        + ", which the text syntax cannot write");
        int count = switch (type) {
            case AttributeType.FLOATS_VALUE -> a.getFloatsCount();
            case AttributeType.INTS_VALUE -> a.getIntsCount();
            case AttributeType.STRINGS_VALUE -> a.getStringsCount();
            case AttributeType.TENSORS_VALUE -> a.getTensorsCount();
            case AttributeType.GRAPHS_VALUE -> a.getGraphsCount();
            case NewerProtoFields.TYPE_PROTOS -> NewerProtoFields.typeProtos(a).size();
            default -> 1;
        };
        out.append(count == 0 ? ": " + typeName : "").append(" = ");
        String inner = indent + INDENT + INDENT;
        switch (type) {
            case AttributeType.FLOAT_VALUE -> out.append(a.getF());
            case AttributeType.INT_VALUE -> out.append(a.getI());
            case AttributeType.STRING_VALUE -> out.append(Syntax.quote(a.getS().toStringUtf8()));
            case AttributeType.TENSOR_VALUE -> tensor(a.getT(), false, inner);
            case AttributeType.GRAPH_VALUE -> graph(a.getG(), indent + INDENT);
            case AttributeType.FLOATS_VALUE -> out.append(join("[", a.getFloatsList(), f -> Float.toString(f), "]"));
            case AttributeType.INTS_VALUE -> out.append(join("[", a.getIntsList(), i -> Long.toString(i), "]"));
            case AttributeType.STRINGS_VALUE -> out.append(join("[", a.getStringsList(), s -> Syntax.quote(s.toStringUtf8()), "]"));
            case AttributeType.TENSORS_VALUE -> list(a.getTensorsList(), t -> tensor(t, false, inner));
            case AttributeType.GRAPHS_VALUE -> list(a.getGraphsList(), g -> graph(g, indent + INDENT));
            case NewerProtoFields.TYPE_PROTO -> out.append(type(NewerProtoFields.typeProtos(a).get(0)));
            default -> out.append(join("[", NewerProtoFields.typeProtos(a), OnnxTextPrinter::type, "]"));
        }
    }

    private <T> void list(List<T> items, java.util.function.Consumer<T> print) {
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            print.accept(items.get(i));
        }
        out.append(']');
    }

    /**
     * {@code float[2,2] name = {1.0, ...}} for an initializer, {@code float[2,2] {...}} (name if it has one)
     * for an attribute value; large values are wrapped onto lines at {@code indent}.
     */
    private void tensor(TensorProto t, boolean initializer, String indent) {
        ElementType e = ElementType.fromCode(t.getDataType());
        require(e != null, "tensor '" + t.getName() + "' has element type " + t.getDataType()
                + ", which has no text form");
        out.append(e.onnxName());
        if (t.getDimsCount() > 0) {
            out.append(join("[", t.getDimsList(), d -> Long.toString(d), "]"));
        }
        if (initializer || !t.getName().isEmpty()) {
            out.append(' ').append(Syntax.name(t.getName()));
        }
        out.append(initializer ? " = " : " ");
        long count = TensorText.count(t);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            out.append(pairs(t.getExternalDataList()));
        } else if (!weights && count > SHOWN_VALUES) {
            out.append("[").append(Syntax.quote(ELIDED_KEY)).append(": ")
                    .append(Syntax.quote(count + " values")).append("]");
        } else {
            values(t, count, indent);
        }
    }

    private void values(TensorProto t, long count, String indent) {
        boolean wrap = count > SHOWN_VALUES;
        int[] n = {0};
        out.append('{');
        TensorText.values(t, v -> {
            if (n[0] > 0) {
                out.append(',');
            }
            out.append(wrap && n[0] % VALUES_PER_LINE == 0 ? "\n" + indent + INDENT : n[0] > 0 ? " " : "").append(v);
            n[0]++;
        });
        out.append(wrap ? "\n" + indent + "}" : "}");
    }

    private String valueInfo(ValueInfoProto v) {
        return (v.hasType() ? type(v.getType()) + " " : "") + Syntax.name(v.getName());
    }

    private static String type(TypeProto t) {
        TypeProto optional = NewerProtoFields.optionalElementType(t);
        if (optional != null) {
            return "optional(" + type(optional) + ")";
        }
        return switch (t.getValueCase()) {
            case TENSOR_TYPE -> elementType(t.getTensorType().getElemType())
                    + shape(t.getTensorType().hasShape(), t.getTensorType().getShape());
            case SEQUENCE_TYPE -> "seq(" + type(t.getSequenceType().getElemType()) + ")";
            case MAP_TYPE -> "map(" + elementType(t.getMapType().getKeyType()) + ", "
                    + type(t.getMapType().getValueType()) + ")";
            case SPARSE_TENSOR_TYPE -> "sparse_tensor(" + elementType(t.getSparseTensorType().getElemType())
                    + shape(t.getSparseTensorType().hasShape(), t.getSparseTensorType().getShape()) + ")";
            case OPAQUE_TYPE -> opaque(t.getOpaqueType());
            default -> throw new CompileException("a value has a type the text syntax cannot write (" + t.getValueCase()
                    + ")");
        };
    }

    private static String opaque(TypeProto.Opaque o) {
        for (String part : (o.getDomain() + "." + o.getName()).split("\\.")) {
            require(part.isEmpty() || Syntax.isIdentifier(part), "opaque type '" + o.getDomain() + "." + o.getName()
                    + "' cannot be written in the text syntax");
        }
        if (o.getDomain().isEmpty()) {
            return "opaque(" + o.getName() + ")";
        }
        return "opaque(" + o.getDomain() + ", " + o.getName() + ")";
    }

    private static String elementType(int code) {
        ElementType e = ElementType.fromCode(code);
        require(e != null, "element type " + code + " has no text form");
        return e.onnxName();
    }

    /** "" for a scalar, [] for an unknown rank, [N,3,?] otherwise. */
    private static String shape(boolean known, TensorShapeProto shape) {
        if (!known) {
            return "[]";
        }
        if (shape.getDimCount() == 0) {
            return "";
        }
        return join("[", shape.getDimList(), d -> d.hasDimValue() ? Long.toString(d.getDimValue())
                : d.hasDimParam() ? Syntax.name(d.getDimParam()) : "?", "]");
    }

    private void function(OnnxFunction f) {
        List<String> header = new ArrayList<>();
        if (!f.domain().isEmpty()) {
            header.add("domain: " + Syntax.quote(f.domain()));
        }
        if (!f.overload().isEmpty()) {
            header.add("overload: " + Syntax.quote(f.overload()));
        }
        if (!f.opsetImports().isEmpty()) {
            header.add("opset_import: " + opsets(f.opsetImports()));
        }
        if (!f.docString().isEmpty()) {
            header.add("doc_string: " + Syntax.quote(f.docString()));
        }
        header(header, "");
        out.append(Syntax.name(f.name()));
        if (!f.attributes().isEmpty() || !f.attributeDefaults().isEmpty()) {
            out.append(" <");
            List<String> names = f.attributes();
            for (int i = 0; i < names.size(); i++) {
                require(Syntax.isIdentifier(names.get(i)), "function '" + f.name() + "': attribute '" + names.get(i)
                        + "' is not an identifier and cannot be written in the text syntax");
                out.append(i > 0 ? ", " : "").append(names.get(i));
            }
            for (int i = 0; i < f.attributeDefaults().size(); i++) {
                out.append(i + names.size() > 0 ? ", " : "");
                attribute(f.attributeDefaults().get(i), INDENT);
            }
            out.append('>');
        }
        out.append(' ').append(join("(", f.inputs(), Syntax::name, ")")).append(" => ")
                .append(join("(", f.outputs(), Syntax::name, ")")).append('\n');
        if (!f.valueInfos().isEmpty()) {
            out.append(join("<", f.valueInfos(), this::valueInfo, ">")).append('\n');
        }
        nodes(f.nodes(), "");
        out.append('\n');
    }

    private static <T> String join(String open, List<T> items, Function<T, String> text, String close) {
        StringBuilder b = new StringBuilder(open);
        for (int i = 0; i < items.size(); i++) {
            b.append(i > 0 ? ", " : "").append(text.apply(items.get(i)));
        }
        return b.append(close).toString();
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new CompileException(problem);
        }
    }
}
