package dev.kiln.compiler.onnx.text;

import static dev.kiln.compiler.onnx.text.SyntaxErrors.at;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.onnx.NewerProtoFields;
import dev.kiln.compiler.onnx.OnnxFunction;
import dev.kiln.compiler.onnx.text.OnnxTextParser.ComposedTypeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.FunctionAttributeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.FunctionContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.GraphContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.HeaderContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.HeaderEntryContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.IdListContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.ModelContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.NodeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.PairContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.QuotableIdContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.ShapeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.TensorTypeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.TypeArgContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.TypeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.ValueInfoContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.ValueInfoOrInitContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.tree.ParseTree;
import org.antlr.v4.runtime.tree.TerminalNode;

/**
 * Builds the ModelProto a parse tree stands for, the way ONNX's own parser fills it
 * in, and checks what the grammar leaves open (type names, header keys, which literal
 * a field takes), naming line and column.
 */
final class ProtoBuilder {
    private final AttributeBuilder attributes = new AttributeBuilder(this);

    ModelProto model(ModelContext c) {
        ModelProto.Builder m = ModelProto.newBuilder();
        if (c.header() != null) {
            for (HeaderEntryContext e : entries(c.header(), Set.of("ir_version", "opset_import", "producer_name",
                    "producer_version", "domain", "model_version", "doc_string", "metadata_props"))) {
                switch (e.key.getText()) {
                    case "ir_version" -> m.setIrVersion(integer(e));
                    case "opset_import" -> m.addAllOpsetImport(opsets(e));
                    case "producer_name" -> m.setProducerName(string(e));
                    case "producer_version" -> m.setProducerVersion(string(e));
                    case "domain" -> m.setDomain(string(e));
                    case "model_version" -> m.setModelVersion(integer(e));
                    case "doc_string" -> m.setDocString(string(e));
                    default -> m.addAllMetadataProps(metadata(e));
                }
            }
        }
        m.setGraph(graph(c.graph()));
        List<OnnxFunction> functions = new ArrayList<>();
        c.function().forEach(f -> functions.add(function(f)));
        NewerProtoFields.setFunctions(m, functions);
        return m.build();
    }

    /** The header's entries, each key known and given once. */
    private static List<HeaderEntryContext> entries(HeaderContext header, Set<String> keys) {
        Set<String> seen = new HashSet<>();
        for (HeaderEntryContext e : header.headerEntry()) {
            String key = e.key.getText();
            if (!keys.contains(key)) {
                throw at(e.key, "unknown header key '" + key + "' (expected one of "
                        + keys.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
            if (!seen.add(key)) {
                throw at(e.key, "'" + key + "' is given twice");
            }
        }
        return header.headerEntry();
    }

    private static long integer(HeaderEntryContext e) {
        if (e.INT() == null) {
            throw at(e.key, "'" + e.key.getText() + "' takes an integer");
        }
        return Literals.longValue(e.INT().getSymbol());
    }

    private static String string(HeaderEntryContext e) {
        if (e.STRING() == null) {
            throw at(e.key, "'" + e.key.getText() + "' takes a quoted string");
        }
        return Syntax.unquote(e.STRING().getText());
    }

    private static List<OperatorSetIdProto> opsets(HeaderEntryContext e) {
        if (e.pairList() == null) {
            throw at(e.key, "'opset_import' takes a list such as [\"\" : 17, \"com.microsoft\" : 1]");
        }
        List<OperatorSetIdProto> opsets = new ArrayList<>();
        for (PairContext p : e.pairList().pair()) {
            if (p.INT() == null) {
                throw at(p.STRING(1).getSymbol(), "an opset version is an integer");
            }
            opsets.add(OperatorSetIdProto.newBuilder().setDomain(Syntax.unquote(p.key.getText()))
                    .setVersion(Literals.longValue(p.INT().getSymbol())).build());
        }
        return opsets;
    }

    private static List<StringStringEntryProto> metadata(HeaderEntryContext e) {
        if (e.pairList() == null) {
            throw at(e.key, "'" + e.key.getText() + "' takes a list such as [\"key\" : \"value\"]");
        }
        return pairs(e.pairList());
    }

    /** "key": "value" pairs (metadata, external data). */
    static List<StringStringEntryProto> pairs(OnnxTextParser.PairListContext list) {
        List<StringStringEntryProto> pairs = new ArrayList<>();
        for (PairContext p : list.pair()) {
            if (p.STRING().size() < 2) {
                throw at(p.INT().getSymbol(), "expected a quoted string value");
            }
            pairs.add(StringStringEntryProto.newBuilder().setKey(Syntax.unquote(p.key.getText()))
                    .setValue(Syntax.unquote(p.STRING(1).getText())).build());
        }
        return pairs;
    }

    GraphProto graph(GraphContext c) {
        GraphProto.Builder g = GraphProto.newBuilder().setName(name(c.name));
        for (ValueInfoOrInitContext v : c.inputs.valueInfoOrInit()) {
            ValueInfoProto vi = valueInfo(v.valueInfo());
            g.addInput(vi);
            if (v.constantData() != null) {
                g.addInitializer(Literals.tensor(vi.getName(), vi.getType(), v.valueInfo(), v.constantData()));
            }
        }
        c.outputs.valueInfo().forEach(v -> g.addOutput(valueInfo(v)));
        if (c.initializers != null) {
            for (ValueInfoOrInitContext v : c.initializers.valueInfoOrInit()) {
                ValueInfoProto vi = valueInfo(v.valueInfo());
                if (v.constantData() != null) {
                    g.addInitializer(Literals.tensor(vi.getName(), vi.getType(), v.valueInfo(), v.constantData()));
                } else {
                    g.addValueInfo(vi);
                }
            }
        }
        c.nodeList().node().forEach(n -> g.addNode(node(n)));
        return g.build();
    }

    private NodeProto node(NodeContext c) {
        NodeProto.Builder n = NodeProto.newBuilder();
        if (c.label() != null) {
            n.setName(c.label().quotableId() == null ? "" : name(c.label().quotableId()));
        }
        n.addAllOutput(ids(c.outputs));
        List<TerminalNode> parts = c.op.ID();
        n.setOpType(parts.get(parts.size() - 1).getText());
        n.setDomain(parts.subList(0, parts.size() - 1).stream().map(TerminalNode::getText)
                .collect(Collectors.joining(".")));
        if (c.overload != null) {
            NewerProtoFields.setOverload(n, c.overload.getText());
        }
        if (c.before != null && c.after != null) {
            throw at(c.after, "attributes go either before or after the inputs, not both");
        }
        OnnxTextParser.AttributeListContext attrs = c.before != null ? c.before : c.after;
        if (attrs != null) {
            attrs.attribute().forEach(a -> n.addAttribute(attributes.attribute(a)));
        }
        n.addAllInput(ids(c.inputs));
        return n.build();
    }

    /**
     * The names of a comma-separated list, where an empty slot is an omitted value
     * ("") and an empty last slot is dropped, as in ONNX's parser: () is none, (,x) is
     * "" and x, (x,) is x alone.
     */
    private static List<String> ids(IdListContext c) {
        List<String> ids = new ArrayList<>();
        String current = null;
        for (ParseTree child : c.children == null ? List.<ParseTree>of() : c.children) {
            if (child instanceof QuotableIdContext q) {
                current = name(q);
            } else {
                ids.add(current == null ? "" : current);
                current = null;
            }
        }
        if (current != null) {
            ids.add(current);
        }
        return ids;
    }

    private OnnxFunction function(FunctionContext c) {
        String domain = "";
        String overload = "";
        String doc = "";
        List<OperatorSetIdProto> opsets = new ArrayList<>();
        if (c.header() != null) {
            for (HeaderEntryContext e : entries(c.header(), Set.of("domain", "opset_import", "doc_string", "overload"))) {
                switch (e.key.getText()) {
                    case "domain" -> domain = string(e);
                    case "overload" -> overload = string(e);
                    case "doc_string" -> doc = string(e);
                    default -> opsets.addAll(opsets(e));
                }
            }
        }
        List<String> attributeNames = new ArrayList<>();
        List<AttributeProto> defaults = new ArrayList<>();
        if (c.functionAttributes() != null) {
            for (FunctionAttributeContext a : c.functionAttributes().functionAttribute()) {
                if (a.attribute() != null) {
                    defaults.add(attributes.attribute(a.attribute()));
                } else {
                    attributeNames.add(a.ID().getText());
                }
            }
        }
        List<ValueInfoProto> valueInfos = new ArrayList<>();
        List<String> inputs = functionIo(c.inputs.valueInfo(), valueInfos);
        List<String> outputs = functionIo(c.outputs.valueInfo(), valueInfos);
        if (c.valueInfos != null) {
            c.valueInfos.valueInfo().forEach(v -> valueInfos.add(valueInfo(v)));
        }
        List<NodeProto> nodes = new ArrayList<>();
        c.nodeList().node().forEach(n -> nodes.add(node(n)));
        return new OnnxFunction(name(c.name), domain, overload, inputs, outputs, attributeNames, defaults, nodes,
                opsets, valueInfos, doc);
    }

    /** A function's inputs or outputs: the names, and a value info for each one given a type. */
    private List<String> functionIo(List<ValueInfoContext> list, List<ValueInfoProto> valueInfos) {
        List<String> names = new ArrayList<>();
        for (ValueInfoContext v : list) {
            ValueInfoProto vi = valueInfo(v);
            names.add(vi.getName());
            if (vi.hasType()) {
                valueInfos.add(vi);
            }
        }
        return names;
    }

    private ValueInfoProto valueInfo(ValueInfoContext c) {
        ValueInfoProto.Builder v = ValueInfoProto.newBuilder().setName(name(c.quotableId()));
        if (c.type() != null) {
            v.setType(type(c.type()));
        }
        return v.build();
    }

    /** float (a scalar), float[] (rank unknown), float[N, 3]; seq(T), map(K, T), optional(T), sparse_tensor(T), opaque(d, n). */
    static TypeProto type(TypeContext c) {
        if (c instanceof TensorTypeContext t) {
            TypeProto.Tensor.Builder tensor = TypeProto.Tensor.newBuilder().setElemType(elementType(t.ID().getSymbol()).code());
            if (t.shape() == null) {
                tensor.setShape(TensorShapeProto.getDefaultInstance());
            } else if (!t.shape().dim().isEmpty()) {
                tensor.setShape(shape(t.shape()));
            }
            return TypeProto.newBuilder().setTensorType(tensor).build();
        }
        ComposedTypeContext composed = (ComposedTypeContext) c;
        Token kind = composed.ID().getSymbol();
        List<TypeArgContext> args = composed.typeArg();
        return switch (kind.getText()) {
            case "seq" -> TypeProto.newBuilder().setSequenceType(
                    TypeProto.Sequence.newBuilder().setElemType(type(only(kind, args)))).build();
            case "optional" -> NewerProtoFields.optionalType(type(only(kind, args)));
            case "sparse_tensor" -> {
                if (!(only(kind, args) instanceof TensorTypeContext)) {
                    throw at(args.get(0), "sparse_tensor takes a tensor type, such as sparse_tensor(float[4,4])");
                }
                TypeProto.Tensor t = type(args.get(0).type()).getTensorType();
                TypeProto.SparseTensor.Builder sparse = TypeProto.SparseTensor.newBuilder().setElemType(t.getElemType());
                if (t.hasShape()) {
                    sparse.setShape(t.getShape());
                }
                yield TypeProto.newBuilder().setSparseTensorType(sparse).build();
            }
            case "map" -> {
                if (args.size() != 2 || !(args.get(0).type() instanceof TensorTypeContext key) || key.shape() != null) {
                    throw at(kind, "map takes a key type and a value type, such as map(int64, float)");
                }
                yield TypeProto.newBuilder().setMapType(TypeProto.Map.newBuilder()
                        .setKeyType(elementType(key.ID().getSymbol()).code()).setValueType(type(typeOf(args.get(1))))).build();
            }
            case "opaque" -> {
                if (args.size() > 2) {
                    throw at(kind, "opaque takes at most a domain and a name: opaque(domain, name)");
                }
                TypeProto.Opaque.Builder o = TypeProto.Opaque.newBuilder();
                if (args.size() == 2) {
                    o.setDomain(args.get(0).getText());
                }
                if (!args.isEmpty()) {
                    o.setName(args.get(args.size() - 1).getText());
                }
                yield TypeProto.newBuilder().setOpaqueType(o).build();
            }
            default -> throw at(kind, "unknown type '" + kind.getText()
                    + "' (expected an element type such as float, or seq, map, optional, sparse_tensor, opaque)");
        };
    }

    private static TypeContext only(Token kind, List<TypeArgContext> args) {
        if (args.size() != 1) {
            throw at(kind, kind.getText() + " takes one type, such as " + kind.getText() + "(float[N])");
        }
        return typeOf(args.get(0));
    }

    private static TypeContext typeOf(TypeArgContext arg) {
        if (arg.type() == null) {
            throw at(arg, "expected a type, found '" + arg.getText() + "'");
        }
        return arg.type();
    }

    private static TensorShapeProto shape(ShapeContext c) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (OnnxTextParser.DimContext d : c.dim()) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d.INT() != null) {
                dim.setDimValue(Literals.longValue(d.INT().getSymbol()));
            } else if (d.quotableId() != null) {
                dim.setDimParam(name(d.quotableId()));
            }
            s.addDim(dim);
        }
        return s.build();
    }

    static ElementType elementType(Token name) {
        ElementType t = Syntax.elementType(name.getText());
        if (t == null) {
            throw at(name, "unknown element type '" + name.getText() + "' (expected float, double, float16, bfloat16, "
                    + "int8, int16, int32, int64, uint8, uint16, uint32, uint64, bool, string, complex64, complex128, "
                    + "or a float8, 4-bit or 2-bit type)");
        }
        return t;
    }

    static String name(QuotableIdContext c) {
        return c.ID() != null ? c.ID().getText() : Syntax.unquote(c.STRING().getText());
    }
}
