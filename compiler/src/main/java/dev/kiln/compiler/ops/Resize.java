package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Resize (opset 11+; axes, keep_aspect_ratio_policy and antialias from 18): X, roi,
 * scales, sizes, the last three read at compile time. Every output element is a
 * weighted sum of input elements that is separable per axis, so the parameters are
 * one {@link ResizeAxis} table per axis: for each output index, its source indices
 * and weights.
 */
public final class Resize extends OpDef {
    private static final Set<String> MODES = Set.of("nearest", "linear", "cubic");
    private static final Set<String> NEAREST_MODES = Set.of("round_prefer_floor", "round_prefer_ceil", "floor", "ceil");
    private static final Set<String> TRANSFORMS = Set.of("half_pixel", "half_pixel_symmetric", "pytorch_half_pixel",
            "align_corners", "asymmetric", "tf_crop_and_resize", "tf_half_pixel_for_nn");
    private static final Set<String> POLICIES = Set.of("stretch", "not_larger", "not_smaller");

    public Resize() {
        super("Resize", 11);
    }

    /** The output shape and, per axis, where each output index reads from. */
    public record Params(long[] outDims, ResizeAxis[] axes) {
    }

    @Override
    public Set<ElementType> elementTypes() {
        return Types.NUMERIC;
    }

    @Override
    public String notes() {
        return "linear and cubic on float types only";
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
        String mode = choice(ctx, "mode", "nearest", MODES);
        String transform = choice(ctx, "coordinate_transformation_mode", "half_pixel", TRANSFORMS);
        String nearestMode = choice(ctx, "nearest_mode", "round_prefer_floor", NEAREST_MODES);
        String policy = choice(ctx, "keep_aspect_ratio_policy", "stretch", POLICIES);
        if (transform.equals("tf_half_pixel_for_nn") && ctx.opset() >= 13) {
            throw ctx.error("coordinate_transformation_mode tf_half_pixel_for_nn was removed in opset 13");
        }
        if (!mode.equals("nearest") && !Types.FLOATS.contains(x.elementType())) {
            throw ctx.error("mode " + mode + " needs a float type, not " + x.elementType().onnxName());
        }
        int[] axes = axes(ctx, rank);
        double[] roi = roi(ctx, rank, axes, transform);
        double[] scales = new double[rank];
        long[] out = x.dims();
        Arrays.fill(scales, 1);
        double[] given = ctx.hasInput(2) ? ctx.requireConstant(2, "scales").toDoubles() : new double[0];
        long[] sizes = ctx.hasInput(3) ? ctx.requireConstant(3, "sizes").toLongs() : new long[0];
        if ((given.length == 0) == (sizes.length == 0)) {
            throw ctx.error("exactly one of scales and sizes must be given");
        }
        if (given.length > 0) {
            expectLength(ctx, "scales", given.length, axes.length);
            for (int i = 0; i < axes.length; i++) {
                if (!(given[i] > 0)) {
                    throw ctx.error("scale " + given[i] + " on axis " + axes[i] + " is not positive");
                }
                scales[axes[i]] = given[i];
                // floor(in * scale) in float, as the runtimes compute it
                out[axes[i]] = (long) (x.dim(axes[i]) * (float) given[i]);
            }
        } else {
            expectLength(ctx, "sizes", sizes.length, axes.length);
            double keep = policy.equals("not_larger") ? Double.MAX_VALUE : 0;
            for (int i = 0; i < axes.length; i++) {
                double s = (double) sizes[i] / x.dim(axes[i]);
                keep = policy.equals("not_larger") ? Math.min(keep, s) : Math.max(keep, s);
            }
            for (int i = 0; i < axes.length; i++) {
                int a = axes[i];
                if (policy.equals("stretch")) {
                    out[a] = sizes[i];
                    scales[a] = (double) sizes[i] / x.dim(a);
                } else {
                    out[a] = (long) Math.rint(keep * x.dim(a));
                    scales[a] = keep;
                }
            }
        }
        ResizeAxis.Method method = new ResizeAxis.Method(mode, transform, nearestMode,
                ctx.attributes().getFloat("cubic_coeff_a", -0.75f), ctx.attributes().getInt("exclude_outside", 0) != 0,
                ctx.attributes().getInt("antialias", 0) != 0);
        ResizeAxis[] tables = new ResizeAxis[rank];
        for (int a = 0; a < rank; a++) {
            if (out[a] < 1) {
                throw ctx.error("output extent " + out[a] + " on axis " + a + " of X " + x.shapeString() + " is not positive");
            }
            tables[a] = ResizeAxis.of(method, x.dim(a), out[a], scales[a], roi[a], roi[a + rank]);
        }
        return new Params(out, tables);
    }

    private static int[] axes(InferContext ctx, int rank) {
        long[] given = ctx.opset() >= 18 ? ctx.attributes().getInts("axes", null) : null;
        int[] axes = new int[given == null ? rank : given.length];
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = given == null ? i : ctx.axis(given[i], rank);
            if (seen[axes[i]]) {
                throw ctx.error("axis " + axes[i] + " is listed twice in axes");
            }
            seen[axes[i]] = true;
        }
        return axes;
    }

    /** Per axis the crop start (first rank values) and end (last rank values); 0 and 1 unless tf_crop_and_resize. */
    private static double[] roi(InferContext ctx, int rank, int[] axes, String transform) {
        double[] roi = new double[2 * rank];
        Arrays.fill(roi, rank, 2 * rank, 1);
        if (!transform.equals("tf_crop_and_resize")) {
            return roi;
        }
        if (!ctx.hasInput(1)) {
            throw ctx.error("coordinate_transformation_mode tf_crop_and_resize needs the roi input");
        }
        double[] given = ctx.requireConstant(1, "roi").toDoubles();
        expectLength(ctx, "roi", given.length, 2 * axes.length);
        for (int i = 0; i < axes.length; i++) {
            roi[axes[i]] = given[i];
            roi[axes[i] + rank] = given[i + axes.length];
        }
        return roi;
    }

    private static void expectLength(InferContext ctx, String what, int got, int expected) {
        if (got != expected) {
            throw ctx.error(what + " has " + got + " values, expected " + expected);
        }
    }

    private static String choice(InferContext ctx, String attribute, String fallback, Set<String> allowed) {
        String v = ctx.attributes().getString(attribute, fallback);
        if (!allowed.contains(v)) {
            throw ctx.error("unsupported " + attribute + " '" + v + "' (supported: " + String.join(", ",
                    allowed.stream().sorted().toList()) + ")");
        }
        return v;
    }

    @Override
    public List<TensorType> infer(InferContext ctx) {
        ctx.expectType(0, Types.NUMERIC);
        return List.of(ctx.input(0).withDims(params(ctx).outDims()));
    }
}
