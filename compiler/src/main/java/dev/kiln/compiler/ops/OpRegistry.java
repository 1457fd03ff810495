package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.Node;
import dev.kiln.runtime.KilnMath;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Every op Kiln knows, by domain and op type. */
public final class OpRegistry {
    private static final OpRegistry STANDARD = new OpRegistry();

    private final Map<String, OpDef> ops = new LinkedHashMap<>();

    private OpRegistry() {
        // Element-wise arithmetic, comparison and logic.
        add(new BinaryOp("Add", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, Double::sum, Long::sum));
        add(new BinaryOp("Sub", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, (a, b) -> a - b, (a, b) -> a - b));
        add(new BinaryOp("Mul", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, (a, b) -> a * b, (a, b) -> a * b));
        add(new BinaryOp("Div", 7, Types.NUMERIC, BinaryOp.Result.SAME_AS_INPUT, (a, b) -> a / b,
                (a, b) -> b == 0 ? 0 : a / b));
        add(BinaryOp.pow());

        // Element-wise functions and activations.
        add(new UnaryOp("Sqrt", 6, Types.FLOATS).folding(Math::sqrt));
        add(new UnaryOp("Erf", 9, Types.NUMERIC).folding(KilnMath::erf));
        add(new UnaryOp("Relu", 6, Types.SIGNED_NUMERIC).folding(x -> Math.max(x, 0)));
        add(new UnaryOp("Sigmoid", 6, Types.FLOATS));
        add(new UnaryOp("Tanh", 6, Types.FLOATS));
        add(new UnaryOp("HardSigmoid", 6, Types.FLOATS).attribute("alpha", 0.2f).attribute("beta", 0.5f));
        add(new UnaryOp("HardSwish", 14, Types.FLOATS));
        add(new UnaryOp("LeakyRelu", 6, Types.FLOATS).attribute("alpha", 0.01f));
        add(new UnaryOp("Gelu", 20, Types.FLOATS));

        // Linear algebra and convolution.
        add(new MatMul());
        add(new Gemm());
        add(new Conv());
        add(new ConvTranspose());
        add(new FusedConv());

        // Normalisation, pooling, reduction.
        add(new Normalization.BatchNormalization());
        add(new Normalization.InstanceNormalization());
        add(new Normalization.LayerNormalization());
        add(new Normalization.GroupNormalization());
        add(new Softmax("Softmax"));
        add(new GlobalPool("GlobalAveragePool"));
        add(new Reduce("ReduceMean", 18, Types.NUMERIC));

        // Data movement and shapes.
        add(new ViewOp.Reshape());
        add(new ViewOp.Flatten());
        add(new ViewOp.Squeeze());
        add(new ViewOp.Unsqueeze());
        add(new ViewOp.Identity());
        add(new Transpose());
        add(new Concat());
        add(new Slice());
        add(new Gather());
        add(new Shape());
        add(new Size());
        add(new Constant());
        add(new ConstantOfShape());
        add(new Cast());
        add(new Dropout());
    }

    /** The registry of every op Kiln supports. */
    public static OpRegistry standard() {
        return STANDARD;
    }

    private void add(OpDef op) {
        ops.put(key(op.domain(), op.opType()), op);
    }

    private static String key(String domain, String opType) {
        return domain + ":" + opType;
    }

    /** The op of this node, or null if Kiln does not know it. */
    public OpDef find(Node node) {
        return ops.get(key(node.domain(), node.opType()));
    }

    /** The op of this node; the node must be of a known op. */
    public OpDef get(Node node) {
        OpDef op = find(node);
        if (op == null) {
            throw new IllegalStateException("no op definition for " + node.describe());
        }
        return op;
    }

    public Collection<OpDef> all() {
        return Collections.unmodifiableCollection(ops.values());
    }
}
