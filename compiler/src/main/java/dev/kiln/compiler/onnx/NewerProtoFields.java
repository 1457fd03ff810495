package dev.kiln.compiler.onnx;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.FunctionProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import java.util.ArrayList;
import java.util.List;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;

/**
 * The parts of a model the text syntax and the function inliner need beyond a graph:
 * model-local functions, a node's overload, optional types and type-valued
 * attributes. Kiln's ONNX classes are generated from ONNX 1.12's onnx-ml.proto, which
 * has all of them but a node's overload (NodeProto field 8, ONNX 1.16); protobuf keeps
 * a field it does not know as an unknown field, byte for byte, so that one is read and
 * set by its number. Functions pass through {@link OnnxFunction}, which reads the
 * FunctionProto fields newer than 1.12 the same way.
 */
public final class NewerProtoFields {
    static final int NODE_OVERLOAD = 8;
    /** AttributeProto.AttributeType's TYPE_PROTO and TYPE_PROTOS, as numbers for switches. */
    public static final int TYPE_PROTO = AttributeProto.AttributeType.TYPE_PROTO_VALUE;
    public static final int TYPE_PROTOS = AttributeProto.AttributeType.TYPE_PROTOS_VALUE;

    private NewerProtoFields() {
    }

    /** The model's local functions. */
    public static List<OnnxFunction> functions(ModelProto model) {
        List<OnnxFunction> functions = new ArrayList<>();
        for (FunctionProto f : model.getFunctionsList()) {
            functions.add(OnnxFunction.decode(f.toByteString()));
        }
        return functions;
    }

    public static void setFunctions(ModelProto.Builder model, List<OnnxFunction> functions) {
        model.clearFunctions();
        for (OnnxFunction fn : functions) {
            try {
                model.addFunctions(FunctionProto.parseFrom(fn.encode()));
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("an encoded function does not parse: " + e.getMessage(), e);
            }
        }
    }

    /** The node's overload (which of several same-named functions it calls), or "". */
    public static String overload(NodeProto node) {
        List<ByteString> v = lengthDelimited(node.getUnknownFields(), NODE_OVERLOAD);
        return v.isEmpty() ? "" : v.get(v.size() - 1).toStringUtf8();
    }

    public static void setOverload(NodeProto.Builder node, String overload) {
        node.setUnknownFields(replace(node.getUnknownFields(), NODE_OVERLOAD,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8(overload)).build()));
    }

    /** The element type of an {@code optional(T)} type, or null if {@code type} is not one. */
    public static TypeProto optionalElementType(TypeProto type) {
        return type.hasOptionalType() ? type.getOptionalType().getElemType() : null;
    }

    /** The type {@code optional(elementType)}. */
    public static TypeProto optionalType(TypeProto elementType) {
        return TypeProto.newBuilder().setOptionalType(TypeProto.Optional.newBuilder().setElemType(elementType)).build();
    }

    /** The attribute's type number ({@code AttributeProto.AttributeType}). */
    public static int attributeType(AttributeProto a) {
        return a.hasType() ? a.getType().getNumber() : 0;
    }

    /** The types of a type_proto (one) or type_protos (any number) attribute. */
    public static List<TypeProto> typeProtos(AttributeProto a) {
        return attributeType(a) == TYPE_PROTO ? List.of(a.getTp()) : a.getTypeProtosList();
    }

    /** Makes {@code a} a type_proto attribute (one type) or a type_protos one. */
    public static void setTypeProtos(AttributeProto.Builder a, boolean list, List<TypeProto> types) {
        if (list) {
            a.setType(AttributeProto.AttributeType.TYPE_PROTOS).clearTypeProtos().addAllTypeProtos(types);
        } else {
            a.setType(AttributeProto.AttributeType.TYPE_PROTO).setTp(types.get(0));
        }
    }

    private static List<ByteString> lengthDelimited(UnknownFieldSet fields, int number) {
        return fields.hasField(number) ? fields.getField(number).getLengthDelimitedList() : List.of();
    }

    private static UnknownFieldSet replace(UnknownFieldSet fields, int number, UnknownFieldSet.Field value) {
        UnknownFieldSet.Builder b = UnknownFieldSet.newBuilder();
        fields.asMap().forEach((n, f) -> {
            if (n != number) {
                b.addField(n, f);
            }
        });
        if (value != null) {
            b.addField(number, value);
        }
        return b.build();
    }
}
