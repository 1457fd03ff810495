package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Pad (opset 2+): adds (or, with negative pads, removes) elements at both ends of
 * each axis. Before opset 11 pads and the constant are attributes; from 11 they are
 * inputs 1 and 2, from 18 input 3 lists the padded axes. Modes: constant, reflect
 * (mirror without repeating the edge), edge (repeat the edge), wrap (from opset 19,
 * periodic). Negative pads crop first; the rest pads the cropped tensor. Pads,
 * constant and axes are read at compile time.
 */
public final class Pad extends OpDef {
    /** How an output coordinate outside the input maps back into it. */
    public enum Mode {
        CONSTANT, REFLECT, EDGE, WRAP
    }

    /**
     * Negative pads crop first, and the rest pads the cropped tensor (so reflect and wrap
     * read only kept elements, as ONNX Runtime does). Per axis:
     *
     * @param lead the elements added in front (0 or more)
     * @param keepFrom the first input coordinate kept (0 or more)
     * @param keep how many input elements are kept
     * @param outDims the output shape
     * @param value the constant for mode CONSTANT, a one-element tensor of the input's type
     */
    public record Params(Mode mode, long[] lead, long[] keepFrom, long[] keep, long[] outDims, Tensor value) {
        /** The input coordinate output coordinate {@code i} of {@code axis} reads, or -1 for the constant. */
        public long source(int axis, long i) {
            long c = Pad.source(mode, i - lead[axis], keep[axis]);
            return c < 0 ? -1 : keepFrom[axis] + c;
        }
    }

    public Pad() {
        super("Pad", 2);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    @Override
    public String notes() {
        return "pads, constant_value and axes must be constants";
    }

    @Override
    public boolean isStaticInput(Node node, int index) {
        return index >= 1;
    }

    public static Params params(Node node) {
        return params(new InferContext(node));
    }

    static Params params(InferContext ctx) {
        TensorType x = ctx.input(0);
        int rank = x.rank();
        Mode mode = mode(ctx);
        long[] pads;
        Tensor value;
        long[] axes = null;
        if (ctx.opset() < 11) {
            ctx.expectType(0, Types.FLOATS);
            pads = ctx.attributes().getInts("pads", null);
            if (pads == null) {
                throw ctx.error("attribute pads is required");
            }
            value = Tensor.fromDoubles(new TensorType(x.elementType()),
                    new double[] {ctx.attributes().getFloat("value", 0f)});
        } else {
            pads = ctx.requireConstant(1, "pads").toLongs();
            value = ctx.hasInput(2) ? ctx.requireConstant(2, "constant_value") : null;
            if (value != null && (value.size() != 1 || value.elementType() != x.elementType())) {
                throw ctx.error("constant_value must be one " + x.elementType().onnxName() + ", got " + value.type());
            }
            if (value == null) {
                value = Tensor.zeros(new TensorType(x.elementType()));
            }
            if (ctx.hasInput(3)) {
                axes = ctx.requireConstant(3, "axes").toLongs();
            }
        }
        if (axes == null) {
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        if (pads.length != 2 * axes.length) {
            throw ctx.error("pads " + Arrays.toString(pads) + " must have 2 entries per padded axis ("
                    + axes.length + " axes)");
        }
        long[] lead = new long[rank];
        long[] keepFrom = new long[rank];
        long[] keep = x.dims();
        long[] out = x.dims();
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            int a = ctx.axis(axes[i], rank);
            if (seen[a]) {
                throw ctx.error("axis " + axes[i] + " is listed twice");
            }
            seen[a] = true;
            long begin = pads[i];
            long end = pads[i + axes.length];
            lead[a] = Math.max(0, begin);
            keepFrom[a] = Math.max(0, -begin);
            keep[a] = x.dim(a) - keepFrom[a] - Math.max(0, -end);
            out[a] = x.dim(a) + begin + end;
            if (keep[a] < 0) {
                throw ctx.error("pads " + Arrays.toString(pads) + " remove more than axis " + a + " of "
                        + x.shapeString() + " holds");
            }
            if (mode != Mode.CONSTANT && keep[a] == 0 && out[a] > 0) {
                throw ctx.error("mode " + mode.name().toLowerCase(java.util.Locale.ROOT) + " cannot pad axis " + a
                        + " of " + x.shapeString() + " with pads " + Arrays.toString(pads) + ": nothing is left to copy");
            }
        }
        return new Params(mode, lead, keepFrom, keep, out, value);
    }

    private static Mode mode(InferContext ctx) {
        String mode = ctx.attributes().getString("mode", "constant");
        return switch (mode) {
            case "constant" -> Mode.CONSTANT;
            case "reflect" -> Mode.REFLECT;
            case "edge" -> Mode.EDGE;
            case "wrap" -> {
                if (ctx.opset() < 19) {
                    throw ctx.error("mode 'wrap' exists only from opset 19");
                }
                yield Mode.WRAP;
            }
            default -> throw ctx.error("mode '" + mode + "' is not supported (constant, reflect, edge, wrap)");
        };
    }

    /**
     * Where coordinate {@code c} (relative to the first kept element) reads among
     * {@code dim} kept elements: itself when inside, else by the mode; -1 for the constant.
     */
    public static long source(Mode mode, long c, long dim) {
        if (c >= 0 && c < dim) {
            return c;
        }
        return switch (mode) {
            case CONSTANT -> -1;
            case EDGE -> c < 0 ? 0 : dim - 1;
            case WRAP -> Math.floorMod(c, dim);
            case REFLECT -> {
                if (dim == 1) {
                    yield 0;
                }
                long m = Math.floorMod(c, 2 * (dim - 1));
                yield m < dim ? m : 2 * (dim - 1) - m;
            }
        };
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        return List.of(ctx.input(0).withDims(params(ctx).outDims()));
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        Tensor x = ctx.constant(0);
        Params p = params(ctx);
        TensorType type = x.type().withDims(p.outDims());
        long[] inStrides = x.type().strides();
        long[] outDims = p.outDims();
        Object data = type.elementType().storage().newArray(type.intSize());
        for (int i = 0; i < type.intSize(); i++) {
            long rest = i;
            long src = 0;
            for (int d = outDims.length - 1; d >= 0 && src >= 0; d--) {
                long c = p.source(d, rest % outDims[d]);
                rest /= outDims[d];
                src = c < 0 ? -1 : src + c * inStrides[d];
            }
            if (src < 0) {
                System.arraycopy(p.value().data(), 0, data, i, 1);
            } else {
                System.arraycopy(x.data(), (int) src, data, i, 1);
            }
        }
        return List.of(new Tensor(type, data));
    }
}
