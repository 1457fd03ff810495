package dev.kiln.compiler.onnx;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import dev.kiln.compiler.CompileException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;

/**
 * A model-local function (onnx.proto's FunctionProto, which the bundled protobuf
 * classes lack): a node whose domain, op type and overload match it stands for its body.
 *
 * @param attributes the names of attributes without a default
 * @param attributeDefaults the attributes with a default value
 */
public record OnnxFunction(String name, String domain, String overload, List<String> inputs, List<String> outputs,
                           List<String> attributes, List<AttributeProto> attributeDefaults, List<NodeProto> nodes,
                           List<OperatorSetIdProto> opsetImports, List<ValueInfoProto> valueInfos, String docString) {
    private static final int NAME = 1;
    private static final int INPUT = 4;
    private static final int OUTPUT = 5;
    private static final int ATTRIBUTE = 6;
    private static final int NODE = 7;
    private static final int DOC_STRING = 8;
    private static final int OPSET_IMPORT = 9;
    private static final int DOMAIN = 10;
    private static final int ATTRIBUTE_PROTO = 11;
    private static final int VALUE_INFO = 12;
    private static final int OVERLOAD = 13;

    public OnnxFunction {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
        attributeDefaults = List.copyOf(attributeDefaults);
        nodes = List.copyOf(nodes);
        opsetImports = List.copyOf(opsetImports);
        valueInfos = List.copyOf(valueInfos);
    }

    /** "domain.Name" (or "domain.Name:overload"), as the function is called. */
    public String qualifiedName() {
        return (domain.isEmpty() ? "" : domain + ".") + name + (overload.isEmpty() ? "" : ":" + overload);
    }

    /** Parses the bytes of a FunctionProto; fields this version of ONNX does not define are skipped. */
    static OnnxFunction decode(ByteString bytes) {
        String name = "";
        String domain = "";
        String overload = "";
        String doc = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<String> attributes = new ArrayList<>();
        List<AttributeProto> defaults = new ArrayList<>();
        List<NodeProto> nodes = new ArrayList<>();
        List<OperatorSetIdProto> opsets = new ArrayList<>();
        List<ValueInfoProto> valueInfos = new ArrayList<>();
        try {
            CodedInputStream in = bytes.newCodedInput();
            in.setRecursionLimit(200);
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case NAME -> name = in.readStringRequireUtf8();
                    case INPUT -> inputs.add(in.readStringRequireUtf8());
                    case OUTPUT -> outputs.add(in.readStringRequireUtf8());
                    case ATTRIBUTE -> attributes.add(in.readStringRequireUtf8());
                    case NODE -> nodes.add(NodeProto.parseFrom(in.readBytes()));
                    case DOC_STRING -> doc = in.readStringRequireUtf8();
                    case OPSET_IMPORT -> opsets.add(OperatorSetIdProto.parseFrom(in.readBytes()));
                    case DOMAIN -> domain = in.readStringRequireUtf8();
                    case ATTRIBUTE_PROTO -> defaults.add(AttributeProto.parseFrom(in.readBytes()));
                    case VALUE_INFO -> valueInfos.add(ValueInfoProto.parseFrom(in.readBytes()));
                    case OVERLOAD -> overload = in.readStringRequireUtf8();
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new CompileException("a model-local function is malformed: " + e.getMessage());
        }
        return new OnnxFunction(name, domain, overload, inputs, outputs, attributes, defaults, nodes, opsets,
                valueInfos, doc);
    }

    /** The FunctionProto bytes, fields in field-number order as ONNX's own serializer writes them. */
    ByteString encode() {
        ByteString.Output bytes = ByteString.newOutput();
        try {
            CodedOutputStream out = CodedOutputStream.newInstance(bytes);
            if (!name.isEmpty()) {
                out.writeString(NAME, name);
            }
            for (String s : inputs) {
                out.writeString(INPUT, s);
            }
            for (String s : outputs) {
                out.writeString(OUTPUT, s);
            }
            for (String s : attributes) {
                out.writeString(ATTRIBUTE, s);
            }
            for (NodeProto n : nodes) {
                out.writeMessage(NODE, n);
            }
            if (!docString.isEmpty()) {
                out.writeString(DOC_STRING, docString);
            }
            for (OperatorSetIdProto o : opsetImports) {
                out.writeMessage(OPSET_IMPORT, o);
            }
            if (!domain.isEmpty()) {
                out.writeString(DOMAIN, domain);
            }
            for (AttributeProto a : attributeDefaults) {
                out.writeMessage(ATTRIBUTE_PROTO, a);
            }
            for (ValueInfoProto v : valueInfos) {
                out.writeMessage(VALUE_INFO, v);
            }
            if (!overload.isEmpty()) {
                out.writeString(OVERLOAD, overload);
            }
            out.flush();
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory cannot fail", e);
        }
        return bytes.toByteString();
    }
}
