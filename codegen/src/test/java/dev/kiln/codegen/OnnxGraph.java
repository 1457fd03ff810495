package dev.kiln.codegen;

import com.google.protobuf.ByteString;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A small ONNX graph built in code together with the values of its runtime inputs, for
 * tests that run it with Kiln ({@link KilnRunner}) and ONNX Runtime ({@link OrtRunner})
 * and compare. The model itself is built by the compiler's {@link OnnxModelBuilder};
 * this adds typed inputs and initializers from Kiln {@link Tensor}s of any element type.
 * For one node with inputs, constants and attributes added one at a time, see {@link OnnxNode}.
 */
final class OnnxGraph {
    private final OnnxModelBuilder builder;
    private final List<Tensor> inputs = new ArrayList<>();

    OnnxGraph(int opset) {
        this.builder = new OnnxModelBuilder(opset);
    }

    /** Graph input {@code name}, of {@code value}'s type and static shape; {@code value} is what the runners feed. */
    OnnxGraph input(String name, Tensor value) {
        TensorType type = value.type();
        builder.typedInput(name, type.elementType().code(), Arrays.stream(type.dims()).boxed().toArray());
        inputs.add(value);
        return this;
    }

    /** An initializer: a constant Kiln reads (and folds through) at compile time. */
    OnnxGraph initializer(String name, Tensor value) {
        builder.initializer(tensorProto(name, value));
        return this;
    }

    /** A node; inputs and outputs are comma-separated names (an empty name omits an optional input). */
    OnnxGraph node(String opType, String inputs, String outputs, AttributeProto... attributes) {
        builder.node(opType, inputs, outputs, attributes);
        return this;
    }

    /** Graph output {@code name} of element type {@code type} (its shape is left to inference). */
    OnnxGraph output(String name, ElementType type) {
        builder.output(name, type.code());
        return this;
    }

    ModelProto model() {
        return builder.build();
    }

    /** The runtime input values, in graph input order. */
    List<Tensor> inputs() {
        return List.copyOf(inputs);
    }

    /** Kiln's outputs, run with {@code threads} worker threads. */
    List<Tensor> kiln(int threads) {
        return KilnRunner.run(model(), inputs, threads);
    }

    /**
     * How many nodes of each op (named as listings name them: {@code dev.kiln.MaxPool}) the
     * graph has after Kiln's passes for the tests' back end.
     */
    Map<String, Integer> kilnOps() {
        return KilnRunner.compile(model()).model().graph().opHistogram();
    }

    /** ONNX Runtime's outputs. */
    List<Tensor> onnxRuntime() {
        return OrtRunner.run(model(), inputs);
    }

    /** The tensor as an initializer: raw little-endian data (bool one byte each), strings as string_data. */
    static TensorProto tensorProto(String name, Tensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(t.elementType().code())
                .addAllDims(Arrays.stream(t.type().dims()).boxed().toList());
        if (t.elementType() == ElementType.STRING) {
            for (String s : (String[]) t.data()) {
                b.addStringData(ByteString.copyFromUtf8(s));
            }
        } else {
            b.setRawData(ByteString.copyFrom(bytes(t, ByteOrder.LITTLE_ENDIAN).array()));
        }
        return b.build();
    }

    /** The tensor's elements as bytes in the given order (bool as one byte 0/1), in a heap buffer. */
    static ByteBuffer bytes(Tensor t, ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(t.size() * t.elementType().storage().bytes()).order(order);
        Object d = t.data();
        for (int i = 0; i < t.size(); i++) {
            switch (t.elementType().storage()) {
                case FLOAT -> b.putFloat(((float[]) d)[i]);
                case DOUBLE -> b.putDouble(((double[]) d)[i]);
                case LONG -> b.putLong(((long[]) d)[i]);
                case INT -> b.putInt(((int[]) d)[i]);
                case SHORT -> b.putShort(((short[]) d)[i]);
                case BYTE -> b.put(((byte[]) d)[i]);
                case BOOLEAN -> b.put((byte) (((boolean[]) d)[i] ? 1 : 0));
                default -> throw new IllegalArgumentException("no bytes for " + t.elementType());
            }
        }
        return b.rewind();
    }
}
