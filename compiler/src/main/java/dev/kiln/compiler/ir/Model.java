package dev.kiln.compiler.ir;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A graph together with what the model file says about it.
 *
 * @param graph the computation
 * @param sourceName the model's file name (no directories), for the generated header
 * @param location how messages name the model file: a path that identifies it (see
 *     {@code FileNames.of}); the file name where there is no file
 * @param sha256 the SHA-256 of the model file (with external data, of the .onnx file alone), hex
 * @param externalDataSha256 the SHA-256 of the external data the model's tensors read, in the
 *     order read, hex; "" if none (with {@code sha256}, what the compile fingerprint covers)
 * @param irVersion the ONNX IR version
 * @param opsets the imported opset version of each domain ("" is ai.onnx)
 * @param producer the program that wrote the model, e.g. "pytorch 1.13.0"
 * @param inputs the graph inputs as declared, in graph order (types may be symbolic)
 * @param outputs the graph outputs as declared
 */
public record Model(Graph graph, String sourceName, String location, String sha256, String externalDataSha256,
                    long irVersion, Map<String, Integer> opsets, String producer,
                    List<Signature> inputs, List<Signature> outputs) {
    public Model {
        opsets = Collections.unmodifiableMap(new TreeMap<>(opsets));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The imported ai.onnx opset version. */
    public int onnxOpset() {
        return opsets.getOrDefault("", 0);
    }
}
