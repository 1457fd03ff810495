package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * What Kiln knows about one operator: the opset range it honours, how to read its
 * attributes (with the spec's defaults), how to infer its output types, and,
 * where it is worth it, how to fold it when every input is a constant.
 *
 * <p>Kernels (the code that computes the op at run time) live in the back ends;
 * they read the op's parameters through the same class, so an attribute is
 * interpreted in exactly one place.
 *
 * <p>To add an op: subclass this (or a family such as {@link UnaryOp}), register it
 * in {@link OpRegistry}, add a kernel to each back end, and add its node tests to
 * the conformance run.
 */
public abstract class OpDef {
    /** The newest ai.onnx opset Kiln knows; an op is honoured up to here unless it says otherwise. */
    public static final int NEWEST_OPSET = 27;

    private final String opType;
    private final String domain;
    private final int minOpset;
    private final int maxOpset;

    protected OpDef(String opType, int minOpset) {
        this(opType, Node.ONNX_DOMAIN, minOpset, NEWEST_OPSET);
    }

    protected OpDef(String opType, String domain, int minOpset, int maxOpset) {
        this.opType = opType;
        this.domain = domain;
        this.minOpset = minOpset;
        this.maxOpset = maxOpset;
    }

    public String opType() {
        return opType;
    }

    public String domain() {
        return domain;
    }

    /** The oldest opset version whose semantics Kiln implements for this op. */
    public int minOpset() {
        return minOpset;
    }

    /** The newest opset version Kiln honours for this op. */
    public int maxOpset() {
        return maxOpset;
    }

    /** The element types this op accepts for its main input, for the operator table. */
    public abstract Set<ElementType> elementTypes();

    /** A short note for the operator table (limits, unsupported attributes); empty if none. */
    public String notes() {
        return "";
    }

    /**
     * Checks the node (attributes, input types and shapes) and returns the type of
     * each output, null for outputs the node does not produce.
     */
    public abstract List<TensorType> infer(InferContext ctx);

    /**
     * Computes the outputs when every input is a constant, or returns null when this
     * op is not worth folding (or not foldable here). Called after {@link #infer}.
     */
    public List<Tensor> fold(InferContext ctx) {
        return null;
    }

    /**
     * Whether {@link #fold} needs only the input types, not their data (Shape, Size):
     * such nodes fold even when their inputs are computed at run time.
     */
    public boolean foldsFromTypes() {
        return false;
    }

    /**
     * Multiply-accumulates of one run of {@code node}, by the rule model tables (and LowFormer's
     * paper) use: a convolution costs (input channels per group x kernel size) per output element,
     * a transposed convolution (output channels per group x kernel size) per input element, a
     * matrix product its inner dimension per output element. Biases, normalisations, activations,
     * softmax, pooling and element-wise arithmetic count 0, the default.
     */
    public long macs(Node node) {
        return 0;
    }

    /**
     * Whether input {@code index} is read at compile time (a shape, axes, pads...)
     * and so must be a constant. Such inputs are not passed to kernels.
     */
    public boolean isStaticInput(Node node, int index) {
        return false;
    }

    /**
     * Whether output 0 is input 0's data unchanged, only with another shape (Reshape,
     * Flatten, Squeeze, Unsqueeze, Identity). The memory plan lets it share the
     * input's buffer and no kernel runs.
     */
    public boolean isView(Node node) {
        return false;
    }
}
