package dev.kiln.compiler.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One operation. Inputs may contain null where an optional input is omitted;
 * outputs may contain null where an optional output is not produced.
 */
public final class Node {
    /** The ONNX default domain. */
    public static final String ONNX_DOMAIN = "";
    /** The domain of Kiln's own (fused) ops. */
    public static final String KILN_DOMAIN = "dev.kiln";

    private final String opType;
    private final String domain;
    private final String name;
    private final int opset;
    private final Attributes attributes;
    private final List<Value> inputs;
    private final List<Value> outputs;
    private List<String> origins;

    /**
     * @param opset the version of {@code domain} the model imports, which selects the
     *     op's semantics (for Kiln's own ops: 1)
     */
    public Node(String opType, String domain, String name, int opset, Attributes attributes,
                List<Value> inputs, List<Value> outputs) {
        this.opType = opType;
        this.domain = domain == null || domain.equals("ai.onnx") ? ONNX_DOMAIN : domain;
        this.name = name == null ? "" : name;
        this.opset = opset;
        this.attributes = attributes;
        this.inputs = new ArrayList<>(inputs);
        this.outputs = new ArrayList<>(outputs);
        Value first = outputs.isEmpty() ? null : outputs.get(0);
        this.origins = List.of(!this.name.isEmpty() ? this.name
                : "(unnamed " + opType + (first == null ? "" : " -> " + first.name()) + ")");
        for (Value v : outputs) {
            if (v != null) {
                v.setProducer(this);
            }
        }
    }

    public String opType() {
        return opType;
    }

    public String domain() {
        return domain;
    }

    /** The node name from the model, possibly empty; for messages only. */
    public String name() {
        return name;
    }

    /**
     * The imported nodes this node stands for, by name (an unnamed one as
     * {@code (unnamed Op -> output)}): its own name as imported, and after a fusion the
     * origins of every node it replaced, in the order they were matched, so the last one
     * is the imported node whose output this node computes. For reports only.
     */
    public List<String> origins() {
        return origins;
    }

    /**
     * Records that this node replaces {@code replaced} (a fusion), given in dataflow order
     * ending with the node whose output this one takes over: it stands for all their origins.
     */
    public void replaces(List<Node> replaced) {
        List<String> all = new ArrayList<>();
        for (Node n : replaced) {
            all.addAll(n.origins);
        }
        origins = List.copyOf(all);
    }

    /**
     * Records that this node, made by a pass, does no imported node's work of its own (a
     * layout Transpose, the phase Conv before its interleave): it stands for no origin.
     */
    public void addedByAPass() {
        origins = List.of();
    }

    public int opset() {
        return opset;
    }

    public Attributes attributes() {
        return attributes;
    }

    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** Input {@code i}, or null if omitted or beyond the inputs given. */
    public Value input(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /** Output {@code i}, or null if not produced. */
    public Value output(int i) {
        return i < outputs.size() ? outputs.get(i) : null;
    }

    /** Output 0, which every supported op has. */
    public Value output() {
        return outputs.get(0);
    }

    public int inputCount() {
        return inputs.size();
    }

    public void setInput(int i, Value v) {
        inputs.set(i, v);
    }

    /** Whether this is the ONNX op {@code type}. */
    public boolean is(String type) {
        return domain.equals(ONNX_DOMAIN) && opType.equals(type);
    }

    /**
     * The op as every message, listing and generated comment names it: {@code Conv}, and
     * outside the ONNX domain with the domain in front, {@code dev.kiln.FusedConv}.
     */
    public String qualifiedOpType() {
        return domain.isEmpty() ? opType : domain + "." + opType;
    }

    /** {@code Conv "name"}, or {@code Conv (unnamed, output y)}, for messages. */
    public String describe() {
        String d = qualifiedOpType();
        if (!name.isEmpty()) {
            return d + " node '" + name + "'";
        }
        Value out = outputs.isEmpty() ? null : outputs.get(0);
        return d + " node (unnamed" + (out == null ? "" : ", output '" + out.name() + "'") + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
