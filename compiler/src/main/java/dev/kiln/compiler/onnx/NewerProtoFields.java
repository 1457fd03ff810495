package dev.kiln.compiler.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.CompileException;
import java.util.ArrayList;
import java.util.List;
import shade.com.google.protobuf.ByteString;
import shade.com.google.protobuf.InvalidProtocolBufferException;
import shade.com.google.protobuf.UnknownFieldSet;

/**
 * The fields of today's onnx.proto that the ONNX protobuf classes Kiln builds on
 * (onnx-protobuf 0.9.3, IR version 7) predate. Protobuf keeps fields it does not know
 * as unknown fields, byte for byte, so a model read from a file still carries them and
 * writes them back; this class reads and sets them by their field numbers:
 * model-local functions (ModelProto field 25), a node's overload (NodeProto 8),
 * optional types (TypeProto 9) and type-valued attributes (AttributeProto type 13/14
 * in field 20, values in 14 and 15).
 */
public final class NewerProtoFields {
    static final int MODEL_FUNCTIONS = 25;
    static final int NODE_OVERLOAD = 8;
    static final int TYPE_OPTIONAL = 9;
    static final int OPTIONAL_ELEM_TYPE = 1;
    static final int ATTRIBUTE_TYPE = 20;
    static final int ATTRIBUTE_TP = 14;
    static final int ATTRIBUTE_TYPE_PROTOS = 15;
    /** AttributeProto.AttributeType values 13 and 14, which the bundled enum lacks. */
    public static final int TYPE_PROTO = 13;
    public static final int TYPE_PROTOS = 14;

    private NewerProtoFields() {
    }

    /** The model's local functions. */
    public static List<OnnxFunction> functions(ModelProto model) {
        List<OnnxFunction> functions = new ArrayList<>();
        for (ByteString bytes : lengthDelimited(model.getUnknownFields(), MODEL_FUNCTIONS)) {
            functions.add(OnnxFunction.decode(bytes));
        }
        return functions;
    }

    public static void setFunctions(ModelProto.Builder model, List<OnnxFunction> functions) {
        UnknownFieldSet.Field.Builder f = UnknownFieldSet.Field.newBuilder();
        functions.forEach(fn -> f.addLengthDelimited(fn.encode()));
        model.setUnknownFields(replace(model.getUnknownFields(), MODEL_FUNCTIONS, functions.isEmpty() ? null : f.build()));
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
        List<ByteString> v = lengthDelimited(type.getUnknownFields(), TYPE_OPTIONAL);
        if (v.isEmpty()) {
            return null;
        }
        try {
            UnknownFieldSet optional = UnknownFieldSet.parseFrom(v.get(v.size() - 1));
            List<ByteString> elem = lengthDelimited(optional, OPTIONAL_ELEM_TYPE);
            return elem.isEmpty() ? TypeProto.getDefaultInstance() : TypeProto.parseFrom(elem.get(elem.size() - 1));
        } catch (InvalidProtocolBufferException e) {
            throw new CompileException("a malformed optional type: " + e.getMessage());
        }
    }

    /** The type {@code optional(elementType)}. */
    public static TypeProto optionalType(TypeProto elementType) {
        UnknownFieldSet optional = UnknownFieldSet.newBuilder().addField(OPTIONAL_ELEM_TYPE,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(elementType.toByteString()).build()).build();
        return TypeProto.newBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(TYPE_OPTIONAL,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(optional.toByteString()).build()).build()).build();
    }

    /** The attribute's type number: one the bundled enum knows, or TYPE_PROTO(S), kept as an unknown field. */
    public static int attributeType(AttributeProto a) {
        if (a.hasType()) {
            return a.getType().getNumber();
        }
        List<Long> v = a.getUnknownFields().hasField(ATTRIBUTE_TYPE)
                ? a.getUnknownFields().getField(ATTRIBUTE_TYPE).getVarintList() : List.of();
        return v.isEmpty() ? 0 : v.get(v.size() - 1).intValue();
    }

    /** The types of a type_proto (one) or type_protos (any number) attribute. */
    public static List<TypeProto> typeProtos(AttributeProto a) {
        int field = attributeType(a) == TYPE_PROTO ? ATTRIBUTE_TP : ATTRIBUTE_TYPE_PROTOS;
        List<TypeProto> types = new ArrayList<>();
        try {
            for (ByteString b : lengthDelimited(a.getUnknownFields(), field)) {
                types.add(TypeProto.parseFrom(b));
            }
        } catch (InvalidProtocolBufferException e) {
            throw new CompileException("attribute '" + a.getName() + "' holds a malformed type: " + e.getMessage());
        }
        return types;
    }

    /** Makes {@code a} a type_proto attribute (one type) or a type_protos one. */
    public static void setTypeProtos(AttributeProto.Builder a, boolean list, List<TypeProto> types) {
        UnknownFieldSet.Field.Builder values = UnknownFieldSet.Field.newBuilder();
        types.forEach(t -> values.addLengthDelimited(t.toByteString()));
        a.clearType();
        a.setUnknownFields(UnknownFieldSet.newBuilder(a.getUnknownFields())
                .addField(ATTRIBUTE_TYPE, UnknownFieldSet.Field.newBuilder().addVarint(list ? TYPE_PROTOS : TYPE_PROTO).build())
                .addField(list ? ATTRIBUTE_TYPE_PROTOS : ATTRIBUTE_TP, values.build()).build());
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
