package dev.kiln.compiler.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.ExtensionRegistryLite;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.WireFormat;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * Parses a ModelProto field by field and hands each initializer of the main graph to a
 * function as soon as its bytes are read; the proto keeps what the function returns. The
 * importer decodes the tensor there and keeps only its name, type and dims in the proto, so
 * the model's bytes and its decoded weights are never both whole in memory: compiling needs
 * about one copy of the weights, not two (docs/robustness.md, "Big models"). Every other
 * field is parsed as {@code ModelProto.parseFrom} parses it, with the same limits.
 */
final class InitializerStream {
    /** How deep messages may nest, as for the whole-model parse in {@link ModelFile}. */
    static final int RECURSION_LIMIT = 200;

    private InitializerStream() {
    }

    /** Reads the model to the end of {@code in}, passing each main-graph initializer through {@code initializer}. */
    static ModelProto parse(CodedInputStream in, UnaryOperator<TensorProto> initializer) throws IOException {
        ModelProto.Builder model = ModelProto.newBuilder();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (isMessageField(tag, ModelProto.GRAPH_FIELD_NUMBER)) {
                model.mergeGraph(graph(in, initializer));
            } else {
                copyField(tag, in, model, 0);
            }
        }
        return model.build();
    }

    private static GraphProto graph(CodedInputStream in, UnaryOperator<TensorProto> initializer) throws IOException {
        int outer = in.pushLimit(in.readRawVarint32());
        GraphProto.Builder graph = GraphProto.newBuilder();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            if (isMessageField(tag, GraphProto.INITIALIZER_FIELD_NUMBER)) {
                TensorProto.Builder tensor = TensorProto.newBuilder();
                in.readMessage(tensor, ExtensionRegistryLite.getEmptyRegistry());
                graph.addInitializer(initializer.apply(tensor.build()));
            } else {
                copyField(tag, in, graph, 1);
            }
        }
        in.popLimit(outer);
        return graph.build();
    }

    private static boolean isMessageField(int tag, int field) {
        return WireFormat.getTagFieldNumber(tag) == field
                && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED;
    }

    /**
     * Merges the one field at {@code in} (its tag already read) into {@code into}, as protobuf's
     * parser would; {@code into} is nested {@code depth} messages deep.
     */
    private static void copyField(int tag, CodedInputStream in, Message.Builder into, int depth) throws IOException {
        ByteString.Output bytes = ByteString.newOutput();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        if (!in.skipField(tag, out)) {
            throw new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
        }
        out.flush();
        CodedInputStream field = bytes.toByteString().newCodedInput();
        field.setRecursionLimit(RECURSION_LIMIT - depth);
        into.mergeFrom(field, ExtensionRegistryLite.getEmptyRegistry());
    }
}
