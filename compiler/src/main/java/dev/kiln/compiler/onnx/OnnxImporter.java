package dev.kiln.compiler.onnx;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.FileNames;
import dev.kiln.compiler.ir.Attribute;
import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Signature;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Reads an ONNX model (protobuf or text syntax, see {@link ModelFile}) into Kiln's IR;
 * model-local functions are inlined first ({@link FunctionInliner}). Graph inputs keep their
 * declared signature; their types are set later, when shapes are bound.
 */
public final class OnnxImporter {
    private OnnxImporter() {
    }

    /**
     * Reads and checks a model file, protobuf ({@code .onnx}) or ONNX's text syntax
     * ({@code .onnxtxt}); every problem is a {@link CompileException} naming the file.
     */
    public static Model read(Path file) {
        return read(file, bytes -> { });
    }

    /**
     * Like {@link #read(Path)}, telling {@code bytesRead} how many bytes of the file have
     * been read so far, about every megabyte, for a progress display of a large model.
     */
    public static Model read(Path file, LongConsumer bytesRead) {
        String location = FileNames.of(file);
        Path baseDir = file.toAbsolutePath().getParent();
        try {
            StreamedInitializers weights = new StreamedInitializers(baseDir, new ExternalDataDigest());
            ModelFile f = ModelFile.read(file, bytesRead, weights::decode);
            return convert(f.proto(), file.getFileName().toString(), location, f.sha256(), baseDir, weights);
        } catch (CompileException e) {
            throw e.inFile(location);
        }
    }

    /**
     * Reads a protobuf model from {@code stream} (closed when done), naming it {@code file} in
     * messages; external data is read from {@code baseDir} only (null: not at all). The
     * fuzz tests' entry point: the same checks as {@link #read(Path)} without a file.
     */
    static Model read(InputStream stream, Path file, Path baseDir) {
        String location = FileNames.of(file);
        try {
            StreamedInitializers weights = new StreamedInitializers(baseDir, new ExternalDataDigest());
            ModelFile f = ModelFile.readProtobuf(stream, file, weights::decode);
            return convert(f.proto(), file.getFileName().toString(), location, f.sha256(), baseDir, weights);
        } catch (CompileException e) {
            throw e.inFile(location);
        }
    }

    /** Converts a parsed model that has no file; messages name it {@code sourceName}. */
    public static Model convert(ModelProto proto, String sourceName, String sha256, Path baseDir) {
        return convert(proto, sourceName, sourceName, sha256, baseDir, null);
    }

    /**
     * Converts a parsed model. {@code baseDir} is where external data may be read from (null: nowhere).
     *
     * @param location how messages name the model file
     * @param streamed the main graph's initializers as decoded while the file was read, or null
     *     if the proto still holds their data
     */
    private static Model convert(ModelProto proto, String sourceName, String location, String sha256, Path baseDir,
                                 StreamedInitializers streamed) {
        if (!proto.hasGraph() || proto.getIrVersion() <= 0) {
            throw new CompileException("not an ONNX model (no " + (proto.hasGraph() ? "IR version" : "graph") + ")");
        }
        if (proto.getIrVersion() < 3) {
            throw new CompileException("IR version " + proto.getIrVersion() + " is too old; Kiln reads IR version 3 and newer");
        }
        proto = FunctionInliner.inline(proto);
        Map<String, Integer> opsets = new HashMap<>();
        for (OperatorSetIdProto o : proto.getOpsetImportList()) {
            String domain = o.getDomain().equals("ai.onnx") ? "" : o.getDomain();
            opsets.put(domain, (int) o.getVersion());
        }
        if (!opsets.containsKey("")) {
            throw new CompileException("the model imports no ai.onnx opset");
        }
        ExternalDataDigest externalData = streamed != null ? streamed.externalData : new ExternalDataDigest();
        Builder b = new Builder(opsets, baseDir, externalData);
        b.readGraph(proto.getGraph(), streamed);
        String producer = (proto.getProducerName() + " " + proto.getProducerVersion()).trim();
        return new Model(b.graph, sourceName, location, sha256, externalData.hex(), proto.getIrVersion(), opsets,
                producer, b.inputSignatures, b.outputSignatures);
    }

    /**
     * The main graph's initializers, decoded one at a time while the model file is read
     * ({@link InitializerStream}); the proto keeps each one's name, type and dims only.
     */
    private static final class StreamedInitializers {
        private final Path baseDir;
        private final ExternalDataDigest externalData;
        private final List<Tensor> tensors = new ArrayList<>();

        StreamedInitializers(Path baseDir, ExternalDataDigest externalData) {
            this.baseDir = baseDir;
            this.externalData = externalData;
        }

        TensorProto decode(TensorProto t) {
            tensors.add(TensorProtos.decode(t, baseDir, externalData));
            return TensorProto.newBuilder().setName(t.getName()).setDataType(t.getDataType())
                    .addAllDims(t.getDimsList()).build();
        }

        /** The {@code i}th initializer of the main graph. */
        Tensor get(int i) {
            return tensors.get(i);
        }
    }

    /** Builds the IR graph from a GraphProto, resolving tensor names to values. */
    private static final class Builder {
        final Graph graph = new Graph();
        final List<Signature> inputSignatures = new ArrayList<>();
        final List<Signature> outputSignatures = new ArrayList<>();
        private final Map<String, Value> values = new HashMap<>();
        private final Map<String, Integer> opsets;
        private final Path baseDir;
        private final ExternalDataDigest externalData;

        Builder(Map<String, Integer> opsets, Path baseDir, ExternalDataDigest externalData) {
            this.opsets = opsets;
            this.baseDir = baseDir;
            this.externalData = externalData;
        }

        /** @param streamed the graph's initializers if they were decoded while the file was read, else null */
        void readGraph(GraphProto g, StreamedInitializers streamed) {
            for (int i = 0; i < g.getInitializerCount(); i++) {
                TensorProto t = g.getInitializer(i);
                if (t.getName().isEmpty()) {
                    throw new CompileException("an initializer has no name");
                }
                Tensor value = streamed != null ? streamed.get(i) : TensorProtos.decode(t, baseDir, externalData);
                values.put(t.getName(), Value.constant(t.getName(), value));
            }
            if (g.getSparseInitializerCount() > 0) {
                throw new CompileException("sparse initializers are not supported");
            }
            for (ValueInfoProto vi : g.getInputList()) {
                if (values.containsKey(vi.getName())) {
                    continue; // IR < 4 lists initializers as inputs too; they stay constants
                }
                Signature sig = signature(vi);
                Value v = new Value(vi.getName(), null);
                values.put(vi.getName(), v);
                graph.addInput(v);
                inputSignatures.add(sig);
            }
            for (NodeProto n : g.getNodeList()) {
                graph.addNode(node(n));
            }
            for (ValueInfoProto vi : g.getOutputList()) {
                Value v = values.get(vi.getName());
                if (v == null) {
                    throw new CompileException("graph output '" + vi.getName() + "' is not computed by any node");
                }
                graph.addOutput(v);
                outputSignatures.add(signature(vi));
            }
            graph.sortTopologically();
        }

        private Node node(NodeProto n) {
            String domain = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
            List<Value> inputs = new ArrayList<>();
            for (String in : n.getInputList()) {
                if (in.isEmpty()) {
                    inputs.add(null);
                    continue;
                }
                Value v = values.get(in);
                if (v == null) {
                    throw new CompileException(describe(n) + " reads '" + in + "', which nothing defines before it");
                }
                inputs.add(v);
            }
            List<Value> outputs = new ArrayList<>();
            for (String out : n.getOutputList()) {
                if (out.isEmpty()) {
                    outputs.add(null);
                    continue;
                }
                if (values.containsKey(out)) {
                    throw new CompileException(describe(n) + " writes '" + out + "', which is already defined");
                }
                Value v = new Value(out, null);
                values.put(out, v);
                outputs.add(v);
            }
            Attributes attrs = new Attributes();
            for (AttributeProto a : n.getAttributeList()) {
                attrs.set(attribute(a, n));
            }
            Integer version = opsets.get(domain);
            return new Node(n.getOpType(), domain, n.getName(), version == null ? 0 : version, attrs, inputs, outputs);
        }

        private Attribute attribute(AttributeProto a, NodeProto n) {
            String name = a.getName();
            if (!a.getRefAttrName().isEmpty()) {
                throw new CompileException(describe(n) + ": attribute references (function bodies) are not supported");
            }
            return switch (a.getType()) {
                case INT -> Attribute.of(name, a.getI());
                case FLOAT -> Attribute.of(name, a.getF());
                case STRING -> Attribute.of(name, a.getS().toString(StandardCharsets.UTF_8));
                case TENSOR -> Attribute.of(name, TensorProtos.decode(a.getT(), baseDir, externalData));
                case INTS -> Attribute.of(name, a.getIntsList().stream().mapToLong(Long::longValue).toArray());
                case FLOATS -> {
                    float[] f = new float[a.getFloatsCount()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = a.getFloats(i);
                    }
                    yield Attribute.of(name, f);
                }
                case STRINGS -> Attribute.of(name,
                        a.getStringsList().stream().map(s -> s.toString(StandardCharsets.UTF_8)).toList());
                case GRAPH, GRAPHS -> new Attribute(name, Attribute.Kind.GRAPH, null);
                default -> new Attribute(name, Attribute.Kind.OTHER, a.getType().toString());
            };
        }

        private static Signature signature(ValueInfoProto vi) {
            if (!vi.hasType() || !vi.getType().hasTensorType()) {
                return new Signature(vi.getName(), null, null);
            }
            var tt = vi.getType().getTensorType();
            ElementType type = tt.getElemType() == 0 ? null : ElementType.fromCode(tt.getElemType());
            if (!tt.hasShape()) {
                return new Signature(vi.getName(), type, null);
            }
            List<Signature.Dim> dims = new ArrayList<>();
            for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
                if (d.hasDimValue() && d.getDimValue() >= 0) {
                    dims.add(Signature.Dim.of(d.getDimValue()));
                } else if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
                    dims.add(Signature.Dim.symbol(d.getDimParam()));
                } else {
                    dims.add(Signature.Dim.unknown());
                }
            }
            return new Signature(vi.getName(), type, dims);
        }

        private static String describe(NodeProto n) {
            String op = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + "." + n.getOpType();
            return op + " node " + (n.getName().isEmpty() ? "(unnamed)" : "'" + n.getName() + "'");
        }
    }
}
