package dev.kiln.codegen;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A one-node ONNX model built with the protobuf builders, for tests that run the same
 * node through Kiln's generated code and through ONNX Runtime. Runtime inputs are
 * float, double or int32 tensors; constant inputs (scales, sizes, weights) are initializers.
 */
final class SingleNodeModel {
    private final NodeProto.Builder node;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("single_node");
    private final int opset;
    private final int elementType;
    private final Map<String, long[]> runtimeInputs = new LinkedHashMap<>();

    /** @param elementType the ONNX element type of the runtime inputs and the output (1 float, 6 int32, 11 double) */
    SingleNodeModel(String opType, int opset, int elementType) {
        this.node = NodeProto.newBuilder().setOpType(opType).addOutput("y");
        this.opset = opset;
        this.elementType = elementType;
    }

    SingleNodeModel input(String name, long... dims) {
        node.addInput(name);
        runtimeInputs.put(name, dims);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        graph.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elementType).setShape(shape))));
        return this;
    }

    /** An omitted optional input. */
    SingleNodeModel none() {
        node.addInput("");
        return this;
    }

    SingleNodeModel floats(String name, long[] dims, float... values) {
        node.addInput(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return this;
    }

    SingleNodeModel longs(String name, long... values) {
        node.addInput(name);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(values.length);
        for (long v : values) {
            t.addInt64Data(v);
        }
        graph.addInitializer(t);
        return this;
    }

    SingleNodeModel attr(String name, long value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
        return this;
    }

    SingleNodeModel attr(String name, float value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT)
                .setF(value));
        return this;
    }

    SingleNodeModel attr(String name, String value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(shade.com.google.protobuf.ByteString.copyFromUtf8(value)));
        return this;
    }

    SingleNodeModel attr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        node.addAttribute(a);
        return this;
    }

    /** Writes the model into {@code dir}. */
    Path write(Path dir) {
        graph.addNode(node).addOutput(ValueInfoProto.newBuilder().setName("y").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elementType))));
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("kiln-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
        Path file = dir.resolve(node.getOpType() + "_" + Integer.toHexString(model.hashCode()) + ".onnx");
        try {
            Files.write(file, model.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Random runtime inputs: in [-2, 2) as float[] or double[], in [-100, 100) as int[], by element type. */
    List<Object> randomInputs(long seed) {
        Random r = new Random(seed);
        List<Object> out = new ArrayList<>();
        for (long[] dims : runtimeInputs.values()) {
            int n = 1;
            for (long d : dims) {
                n *= (int) d;
            }
            if (elementType == 6) {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextInt(200) - 100;
                }
                out.add(v);
            } else if (elementType == 11) {
                double[] v = new double[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextDouble() * 4 - 2;
                }
                out.add(v);
            } else {
                float[] v = new float[n];
                for (int i = 0; i < n; i++) {
                    v[i] = r.nextFloat() * 4 - 2;
                }
                out.add(v);
            }
        }
        return out;
    }

    /** Kiln's output: the model compiled with the java back end, run with {@code threads} threads. */
    static double[] kiln(Path model, List<Object> inputs, int threads) {
        Compilation c = Compilation.of(model, new InputBindings());
        LoadedModel loaded = LoadedModel.of(Generator.generate(c, GenerateOptions.defaults("single_node")));
        loaded.setThreads(threads);
        return toDoubles(loaded.run(inputs.toArray())[0]);
    }

    /** ONNX Runtime's output. */
    double[] onnxRuntime(Path model, List<Object> inputs) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try (OrtSession session = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            int i = 0;
            for (Map.Entry<String, long[]> e : runtimeInputs.entrySet()) {
                Object data = inputs.get(i++);
                OnnxTensor t;
                if (data instanceof double[] d) {
                    t = OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), e.getValue());
                } else if (data instanceof int[] ints) {
                    t = OnnxTensor.createTensor(env, IntBuffer.wrap(ints), e.getValue());
                } else {
                    t = OnnxTensor.createTensor(env, FloatBuffer.wrap((float[]) data), e.getValue());
                }
                feed.put(e.getKey(), t);
            }
            try (OrtSession.Result result = session.run(feed)) {
                OnnxTensor y = (OnnxTensor) result.get(0);
                if (elementType == 6) {
                    IntBuffer b = y.getIntBuffer();
                    int[] v = new int[b.remaining()];
                    b.get(v);
                    return toDoubles(v);
                }
                if (elementType == 11) {
                    DoubleBuffer b = y.getDoubleBuffer();
                    double[] d = new double[b.remaining()];
                    b.get(d);
                    return d;
                }
                FloatBuffer b = y.getFloatBuffer();
                float[] f = new float[b.remaining()];
                b.get(f);
                return toDoubles(f);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private static double[] toDoubles(Object array) {
        if (array instanceof double[] d) {
            return d;
        }
        if (array instanceof int[] ints) {
            return java.util.Arrays.stream(ints).asDoubleStream().toArray();
        }
        float[] f = (float[]) array;
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** max |a - ref| / max(1, max |ref|); infinite when the lengths differ or a value is NaN. */
    static double relativeError(double[] actual, double[] reference) {
        if (actual.length != reference.length) {
            return Double.POSITIVE_INFINITY;
        }
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < reference.length; i++) {
            if (Double.isNaN(actual[i])) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - reference[i]));
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
        }
        return maxDiff / Math.max(1, maxRef);
    }
}
