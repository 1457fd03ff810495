package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import java.util.List;
import java.util.Set;

/**
 * An op whose output 0 is its input 0's data, unchanged, under another shape:
 * Reshape, Flatten, Squeeze, Unsqueeze, Identity. No kernel runs for it; the
 * output shares the input's buffer. Subclasses only compute the new shape.
 */
public abstract class ViewOp extends OpDef {
    protected ViewOp(String opType, int minOpset) {
        super(opType, minOpset);
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.ALL;
    }

    /** The output dimensions for the input of type {@code x}. */
    protected abstract long[] outputDims(InferContext ctx, TensorType x);

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.ALL);
        TensorType x = ctx.input(0);
        long[] dims = outputDims(ctx, x);
        TensorType out = x.withDims(dims);
        if (out.size() != x.size()) {
            throw ctx.error("cannot view " + x.shapeString() + " (" + x.size() + " elements) as "
                    + out.shapeString() + " (" + out.size() + " elements)");
        }
        return List.of(out);
    }

    @Override
    public List<Tensor> fold(InferContext ctx) {
        return List.of(ctx.constant(0).reshaped(infer(ctx).get(0).dims()));
    }

    @Override
    public boolean isView(Node node) {
        return true;
    }

    /** Reads axes from the attribute {@code axes} (old opsets) or from input 1 (newer ones); null if absent. */
    protected static long[] axes(InferContext ctx, int inputSinceOpset) {
        if (ctx.opset() >= inputSinceOpset) {
            return ctx.hasInput(1) ? ctx.requireConstant(1, "axes").toLongs() : null;
        }
        return ctx.attributes().getInts("axes", null);
    }

    /** Reshape (opset 5+): shape from input 1; 0 copies the input dimension (unless allowzero), -1 is inferred. */
    public static final class Reshape extends ViewOp {
        public Reshape() {
            super("Reshape", 5);
        }

        @Override
        public boolean isStaticInput(Node node, int index) {
            return index == 1;
        }

        @Override
        protected long[] outputDims(InferContext ctx, TensorType x) {
            long[] shape = ctx.requireConstant(1, "shape").toLongs();
            boolean allowZero = ctx.attributes().getInt("allowzero", 0) != 0;
            int inferred = -1;
            long known = 1;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] == 0 && !allowZero) {
                    if (i >= x.rank()) {
                        throw ctx.error("shape " + TensorType.formatDims(shape) + " copies dimension " + i
                                + " of input " + x.shapeString() + ", which has no such dimension");
                    }
                    shape[i] = x.dim(i);
                }
                if (shape[i] == -1) {
                    if (inferred >= 0) {
                        throw ctx.error("shape " + TensorType.formatDims(shape) + " has more than one -1");
                    }
                    inferred = i;
                } else if (shape[i] < 0) {
                    throw ctx.error("shape " + TensorType.formatDims(shape) + " has a negative dimension");
                } else {
                    known *= shape[i];
                }
            }
            if (inferred >= 0) {
                if (known == 0 || x.size() % known != 0) {
                    throw ctx.error("cannot reshape " + x.shapeString() + " to " + TensorType.formatDims(shape));
                }
                shape[inferred] = x.size() / known;
            }
            return shape;
        }
    }

    /** Flatten (opset 1+): [d0..d(axis-1)] and [d(axis)..] each collapse to one dimension. */
    public static final class Flatten extends ViewOp {
        public Flatten() {
            super("Flatten", 1);
        }

        @Override
        protected long[] outputDims(InferContext ctx, TensorType x) {
            long axis = ctx.attributes().getInt("axis", 1);
            int a = (int) (axis < 0 ? axis + x.rank() : axis);
            if (a < 0 || a > x.rank()) {
                throw ctx.error("axis " + axis + " is out of range for rank " + x.rank());
            }
            long outer = 1;
            long inner = 1;
            for (int i = 0; i < x.rank(); i++) {
                if (i < a) {
                    outer *= x.dim(i);
                } else {
                    inner *= x.dim(i);
                }
            }
            return new long[] {outer, inner};
        }
    }

    /** Squeeze (opset 1+; axes an input from 13): removes the listed size-1 axes, or all of them. */
    public static final class Squeeze extends ViewOp {
        public Squeeze() {
            super("Squeeze", 1);
        }

        @Override
        public boolean isStaticInput(Node node, int index) {
            return index == 1;
        }

        @Override
        protected long[] outputDims(InferContext ctx, TensorType x) {
            long[] axes = axes(ctx, 13);
            boolean[] drop = new boolean[x.rank()];
            if (axes == null) {
                for (int i = 0; i < x.rank(); i++) {
                    drop[i] = x.dim(i) == 1;
                }
            } else {
                for (long axis : axes) {
                    int a = ctx.axis(axis, x.rank());
                    if (x.dim(a) != 1) {
                        throw ctx.error("cannot squeeze axis " + axis + " of " + x.shapeString() + ": its size is not 1");
                    }
                    drop[a] = true;
                }
            }
            return java.util.stream.IntStream.range(0, x.rank()).filter(i -> !drop[i]).mapToLong(x::dim).toArray();
        }
    }

    /** Unsqueeze (opset 1+; axes an input from 13): inserts size-1 axes at the listed output positions. */
    public static final class Unsqueeze extends ViewOp {
        public Unsqueeze() {
            super("Unsqueeze", 1);
        }

        @Override
        public boolean isStaticInput(Node node, int index) {
            return index == 1;
        }

        @Override
        protected long[] outputDims(InferContext ctx, TensorType x) {
            long[] axes = axes(ctx, 13);
            if (axes == null) {
                throw ctx.error("axes are required");
            }
            int rank = x.rank() + axes.length;
            boolean[] inserted = new boolean[rank];
            for (long axis : axes) {
                int a = ctx.axis(axis, rank);
                if (inserted[a]) {
                    throw ctx.error("axis " + axis + " is listed twice");
                }
                inserted[a] = true;
            }
            long[] out = new long[rank];
            for (int i = 0, j = 0; i < rank; i++) {
                out[i] = inserted[i] ? 1 : x.dim(j++);
            }
            return out;
        }
    }

    /** Identity (opset 1+). */
    public static final class Identity extends ViewOp {
        public Identity() {
            super("Identity", 1);
        }

        @Override
        protected long[] outputDims(InferContext ctx, TensorType x) {
            return x.dims();
        }
    }
}
