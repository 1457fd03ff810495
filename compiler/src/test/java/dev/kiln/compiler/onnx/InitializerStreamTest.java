package dev.kiln.compiler.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The field-by-field parse that hands initializers over as they are read makes the same
 * ModelProto as protobuf's own parser, on every model of the importer's fuzz corpus (a node
 * test per operator, initializers in raw and typed fields, external data, a subgraph), and
 * refuses what protobuf refuses.
 */
class InitializerStreamTest {
    private static final Path CORPUS = Path.of("src/test/resources/dev/kiln/compiler/onnx/OnnxImporterFuzzTestInputs/importer");

    static Stream<Path> models() throws IOException {
        try (Stream<Path> files = Files.list(CORPUS)) {
            return files.filter(f -> f.toString().endsWith(".onnx")).sorted().toList().stream();
        }
    }

    private static ModelProto streamed(byte[] bytes, UnaryOperator<TensorProto> initializer) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(InitializerStream.RECURSION_LIMIT);
        return InitializerStream.parse(in, initializer);
    }

    @ParameterizedTest
    @MethodSource("models")
    void makesTheProtoThatProtobufMakes(Path model) throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        ModelProto expected = ModelProto.parseFrom(bytes);
        List<TensorProto> seen = new ArrayList<>();
        ModelProto actual = streamed(bytes, t -> {
            seen.add(t);
            return t;
        });
        assertEquals(expected, actual);
        assertEquals(expected.getGraph().getInitializerList(), seen);
    }

    @ParameterizedTest
    @MethodSource("models")
    void keepsWhatTheFunctionReturns(Path model) throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        ModelProto expected = ModelProto.parseFrom(bytes);
        UnaryOperator<TensorProto> nameOnly = t -> TensorProto.newBuilder().setName(t.getName()).build();
        ModelProto actual = streamed(bytes, nameOnly);
        ModelProto.Builder b = expected.toBuilder();
        b.getGraphBuilder().clearInitializer();
        expected.getGraph().getInitializerList().forEach(t -> b.getGraphBuilder().addInitializer(nameOnly.apply(t)));
        assertEquals(b.build(), actual);
    }

    @ParameterizedTest
    @MethodSource("models")
    void refusesTruncatedModelsAsProtobufDoes(Path model) throws IOException {
        byte[] bytes = Files.readAllBytes(model);
        for (int cut : new int[] {bytes.length / 3, bytes.length / 2, bytes.length - 1}) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            boolean protobufRefuses;
            try {
                ModelProto.parseFrom(truncated);
                protobufRefuses = false;
            } catch (InvalidProtocolBufferException e) {
                protobufRefuses = true;
            }
            if (protobufRefuses) {
                assertThrows(InvalidProtocolBufferException.class, () -> streamed(truncated, t -> t), "cut at " + cut);
            } else {
                assertEquals(ModelProto.parseFrom(truncated), streamed(truncated, t -> t), "cut at " + cut);
            }
        }
    }
}
