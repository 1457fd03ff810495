package dev.kiln.codegen;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-node model, built input by input: runtime inputs (with the values to feed),
 * constant inputs (initializers), omitted optional inputs, attributes and outputs.
 * Inputs are named in0, in1... by position, outputs out0, out1...; {@link #graph()} gives
 * the {@link OnnxGraph} to run.
 */
final class OnnxNode {
    private final String opType;
    private final int opset;
    private final List<String> nodeInputs = new ArrayList<>();
    private final Map<String, Tensor> runtimeInputs = new LinkedHashMap<>();
    private final Map<String, Tensor> constants = new LinkedHashMap<>();
    private final List<AttributeProto> attributes = new ArrayList<>();
    private final List<ElementType> outputTypes = new ArrayList<>();
    private int outputCount = 1;

    OnnxNode(String opType, int opset) {
        this.opType = opType;
        this.opset = opset;
    }

    /** The next node input, given at run time. */
    OnnxNode input(Tensor value) {
        runtimeInputs.put(nextInput(), value);
        return this;
    }

    /** The next node input, an initializer (so Kiln reads it at compile time). */
    OnnxNode constant(Tensor value) {
        constants.put(nextInput(), value);
        return this;
    }

    /** The next node input is omitted. */
    OnnxNode omitted() {
        nodeInputs.add("");
        return this;
    }

    OnnxNode attr(String name, long value) {
        attributes.add(OnnxModelBuilder.attr(name, value));
        return this;
    }

    OnnxNode ints(String name, long... values) {
        attributes.add(OnnxModelBuilder.attr(name, values));
        return this;
    }

    OnnxNode attr(String name, float value) {
        attributes.add(OnnxModelBuilder.attr(name, value));
        return this;
    }

    OnnxNode attr(String name, String value) {
        attributes.add(OnnxModelBuilder.attr(name, value));
        return this;
    }

    /** The next output, of element type {@code type}. Without any, the node has outputs typed like its first input. */
    OnnxNode output(ElementType type) {
        outputTypes.add(type);
        return this;
    }

    /** {@code n} outputs typed like the first input (when no {@link #output} is given). */
    OnnxNode outputs(int n) {
        this.outputCount = n;
        return this;
    }

    String describe() {
        return opType + " (opset " + opset + ")";
    }

    /** The graph holding just this node, as the inputs, attributes and outputs added so far make it. */
    OnnxGraph graph() {
        OnnxGraph graph = new OnnxGraph(opset);
        runtimeInputs.forEach(graph::input);
        constants.forEach(graph::initializer);
        List<ElementType> types = new ArrayList<>(outputTypes);
        if (types.isEmpty()) {
            // typed like the first runtime input, or the first constant when there is none
            ElementType type = (runtimeInputs.isEmpty() ? constants : runtimeInputs).values().iterator().next()
                    .elementType();
            types.addAll(Collections.nCopies(outputCount, type));
        }
        List<String> outputs = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            outputs.add("out" + i);
        }
        graph.node(opType, String.join(",", nodeInputs), String.join(",", outputs),
                attributes.toArray(new AttributeProto[0]));
        for (int i = 0; i < types.size(); i++) {
            graph.output(outputs.get(i), types.get(i));
        }
        return graph;
    }

    private String nextInput() {
        String name = "in" + nodeInputs.size();
        nodeInputs.add(name);
        return name;
    }
}
