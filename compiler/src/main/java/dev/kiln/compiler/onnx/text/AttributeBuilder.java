package dev.kiln.compiler.onnx.text;

import static dev.kiln.compiler.onnx.text.SyntaxErrors.at;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.NewerProtoFields;
import dev.kiln.compiler.onnx.text.OnnxTextParser.AttributeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.GraphValueContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.LiteralValueContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.ReferenceValueContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.SingleValueContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.TensorConstantContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.TensorTypeContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.TensorValueContext;
import dev.kiln.compiler.onnx.text.OnnxTextParser.TypeValueContext;
import java.util.ArrayList;
import java.util.List;
import org.antlr.v4.runtime.Token;
import com.google.protobuf.ByteString;

/**
 * An attribute, {@code name = value} or {@code name: type = value}: the value's own
 * form gives its type (1 is an int, 1.0 a float, "s" a string, [1, 2] ints, a typed
 * tensor, a graph, a type, {@code @name} a reference to a function's attribute).
 * A declared type must match, except that an integer may stand for a float; an empty
 * list needs one. Types are AttributeProto.AttributeType numbers, since the bundled
 * enum lacks TYPE_PROTO(S).
 */
final class AttributeBuilder {
    private static final int FLOAT = AttributeType.FLOAT_VALUE;
    private static final int INT = AttributeType.INT_VALUE;
    private static final int STRING = AttributeType.STRING_VALUE;
    private static final int TENSOR = AttributeType.TENSOR_VALUE;
    private static final int GRAPH = AttributeType.GRAPH_VALUE;
    private static final int TYPE_PROTO = NewerProtoFields.TYPE_PROTO;

    /** One attribute value before it is put in the proto. */
    private record Value(int type, Object value, Token at) {
    }

    private final ProtoBuilder protos;

    AttributeBuilder(ProtoBuilder protos) {
        this.protos = protos;
    }

    AttributeProto attribute(AttributeContext c) {
        String name = c.name.getText();
        Integer declared = null;
        if (c.declared != null) {
            declared = Syntax.ATTRIBUTE_TYPES.get(c.declared.getText());
            if (declared == null) {
                throw at(c.declared, "unknown attribute type '" + c.declared.getText()
                        + "' (expected int, float, string, tensor, graph, type_proto, or a list: ints, floats, ...)");
            }
        }
        if (declared != null && (declared == AttributeType.SPARSE_TENSOR_VALUE
                || declared == AttributeType.SPARSE_TENSORS_VALUE)) {
            throw at(c.declared, "sparse tensor attributes have no text form");
        }
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (c.attributeValue().getChildCount() == 1) {
            single(a, c.attributeValue().singleValue(0), declared);
        } else {
            list(a, c.attributeValue().singleValue(), declared, c.name);
        }
        return a.build();
    }

    private void single(AttributeProto.Builder a, SingleValueContext c, Integer declared) {
        if (c instanceof ReferenceValueContext r) {
            a.setRefAttrName(ProtoBuilder.name(r.quotableId()));
            if (declared != null) {
                setType(a, declared, List.of());
            }
            return;
        }
        if (declared != null && isList(declared)) {
            throw at(c, "attribute '" + a.getName() + "' is declared " + Syntax.attributeTypeName(declared)
                    + " but given one value; write it in brackets: [...]");
        }
        Value v = value(c, declared);
        switch (v.type) {
            case INT -> a.setI((Long) v.value);
            case FLOAT -> a.setF((Float) v.value);
            case STRING -> a.setS((ByteString) v.value);
            case TENSOR -> a.setT((TensorProto) v.value);
            case GRAPH -> a.setG((GraphProto) v.value);
            default -> { }
        }
        setType(a, v.type, List.of(v));
    }

    private void list(AttributeProto.Builder a, List<SingleValueContext> items, Integer declared, Token name) {
        if (declared != null && !isList(declared)) {
            throw at(name, "attribute '" + a.getName() + "' is declared " + Syntax.attributeTypeName(declared)
                    + " but given a list");
        }
        Integer element = declared == null ? null : elementOf(declared);
        List<Value> values = new ArrayList<>();
        for (SingleValueContext item : items) {
            if (item instanceof ReferenceValueContext) {
                throw at(item, "a reference (@name) stands for a whole attribute, not a list element");
            }
            values.add(value(item, element));
        }
        if (element == null) {
            if (values.isEmpty()) {
                throw at(name, "an empty list needs its type: write " + a.getName() + ": ints = [] (or floats, strings, ...)");
            }
            element = commonType(a.getName(), values);
        }
        for (Value v : values) {
            switch (element) {
                case INT -> a.addInts((Long) v.value);
                case FLOAT -> a.addFloats(v.value instanceof Long l ? (float) (long) l : (Float) v.value);
                case STRING -> a.addStrings((ByteString) v.value);
                case TENSOR -> a.addTensors((TensorProto) v.value);
                case GRAPH -> a.addGraphs((GraphProto) v.value);
                default -> { }
            }
        }
        setType(a, listOf(element), values);
    }

    /** The element type of an unannotated list: all alike, or ints and floats mixed (floats). */
    private static int commonType(String attribute, List<Value> values) {
        int common = values.get(0).type;
        for (Value v : values) {
            if (v.type == common) {
                continue;
            }
            if ((v.type == FLOAT || v.type == INT) && (common == FLOAT || common == INT)) {
                common = FLOAT;
            } else {
                throw at(v.at, "attribute '" + attribute + "' mixes " + describe(common) + " and " + describe(v.type)
                        + " in one list");
            }
        }
        return common;
    }

    /** One value, checked against {@code expected} (null: any). */
    private Value value(SingleValueContext c, Integer expected) {
        Value v = parse(c);
        if (expected == null || expected == v.type) {
            return v;
        }
        if (expected == FLOAT && v.type == INT) {
            return new Value(FLOAT, (float) (long) (Long) v.value, v.at);
        }
        throw at(v.at, "expected " + describe(expected) + ", found " + describe(v.type));
    }

    private Value parse(SingleValueContext c) {
        Token at = c.getStart();
        if (c instanceof TensorValueContext t) {
            TensorConstantContext tc = t.tensorConstant();
            String name = tc.quotableId() == null ? "" : ProtoBuilder.name(tc.quotableId());
            return new Value(TENSOR, Literals.tensor(name, ProtoBuilder.type(tc.type()), tc.type(), tc.constantData()), at);
        }
        if (c instanceof GraphValueContext g) {
            return new Value(GRAPH, protos.graph(g.graph()), at);
        }
        if (c instanceof TypeValueContext t) {
            // A bare word is a type name, or a float written nan, inf or infinity.
            if (t.type() instanceof TensorTypeContext tt && tt.shape() == null
                    && Syntax.elementType(tt.ID().getText()) == null && Syntax.specialFloat(tt.ID().getText()) != null) {
                return new Value(FLOAT, Literals.floatValue(at), at);
            }
            return new Value(TYPE_PROTO, ProtoBuilder.type(t.type()), at);
        }
        Token literal = ((LiteralValueContext) c).literal().getStart();
        return switch (literal.getType()) {
            case OnnxTextLexer.INT -> new Value(INT, Literals.longValue(literal), at);
            case OnnxTextLexer.STRING -> new Value(STRING, ByteString.copyFromUtf8(Syntax.unquote(literal.getText())), at);
            default -> new Value(FLOAT, Literals.floatValue(literal), at);
        };
    }

    /** Sets the type number; type_proto(s) values go in the newer fields with it. */
    private static void setType(AttributeProto.Builder a, int type, List<Value> values) {
        if (type == TYPE_PROTO || type == NewerProtoFields.TYPE_PROTOS) {
            NewerProtoFields.setTypeProtos(a, type == NewerProtoFields.TYPE_PROTOS,
                    values.stream().map(v -> (TypeProto) v.value).toList());
        } else {
            a.setType(AttributeType.forNumber(type));
        }
    }

    private static boolean isList(int type) {
        return (type >= AttributeType.FLOATS_VALUE && type <= AttributeType.GRAPHS_VALUE)
                || type == AttributeType.SPARSE_TENSORS_VALUE || type == NewerProtoFields.TYPE_PROTOS;
    }

    private static int elementOf(int list) {
        return switch (list) {
            case AttributeType.SPARSE_TENSORS_VALUE -> AttributeType.SPARSE_TENSOR_VALUE;
            case NewerProtoFields.TYPE_PROTOS -> TYPE_PROTO;
            default -> list - (AttributeType.FLOATS_VALUE - AttributeType.FLOAT_VALUE);
        };
    }

    private static int listOf(int element) {
        return element == TYPE_PROTO ? NewerProtoFields.TYPE_PROTOS
                : element + (AttributeType.FLOATS_VALUE - AttributeType.FLOAT_VALUE);
    }

    private static String describe(int type) {
        return switch (type) {
            case INT -> "an integer";
            case FLOAT -> "a float";
            case STRING -> "a string";
            case TENSOR -> "a tensor";
            case GRAPH -> "a graph";
            case TYPE_PROTO -> "a type";
            default -> Syntax.attributeTypeName(type);
        };
    }
}
