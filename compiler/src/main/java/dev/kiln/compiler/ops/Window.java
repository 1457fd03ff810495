package dev.kiln.compiler.ops;

/**
 * The sliding-window geometry shared by Conv and the pooling ops: strides,
 * dilations and pads with their defaults, auto_pad resolved, and the output extent.
 *
 * @param output the output extent per spatial axis
 */
record Window(long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd, long[] output) {

    /**
     * @param ceilMode whether the output extent rounds up (pooling's ceil_mode)
     */
    static Window resolve(InferContext ctx, long[] input, long[] kernel, boolean ceilMode) {
        int n = input.length;
        long[] strides = ints(ctx, "strides", n, 1);
        long[] dilations = ints(ctx, "dilations", n, 1);
        long[] pads = ctx.attributes().getInts("pads", new long[2 * n]);
        if (pads.length != 2 * n) {
            throw ctx.error("pads has " + pads.length + " values, expected " + 2 * n);
        }
        String autoPad = ctx.attributes().getString("auto_pad", "NOTSET");
        long[] begin = new long[n];
        long[] end = new long[n];
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            if (strides[i] < 1 || dilations[i] < 1 || kernel[i] < 1) {
                throw ctx.error("strides, dilations and kernel must be positive");
            }
            long span = dilations[i] * (kernel[i] - 1) + 1;
            switch (autoPad) {
                case "NOTSET" -> {
                    begin[i] = pads[i];
                    end[i] = pads[i + n];
                    if (begin[i] < 0 || end[i] < 0) {
                        throw ctx.error("negative pads are not supported");
                    }
                }
                case "VALID" -> {
                }
                case "SAME_UPPER", "SAME_LOWER" -> {
                    long o = (input[i] + strides[i] - 1) / strides[i];
                    long total = Math.max(0, (o - 1) * strides[i] + span - input[i]);
                    long small = total / 2;
                    begin[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    end[i] = total - begin[i];
                }
                default -> throw ctx.error("unknown auto_pad '" + autoPad + "'");
            }
            long room = input[i] + begin[i] + end[i] - span;
            if (room < 0) {
                throw ctx.error("the window (extent " + span + ") is larger than the padded input (" +
                        (input[i] + begin[i] + end[i]) + ") on spatial axis " + i);
            }
            out[i] = (ceilMode ? (room + strides[i] - 1) / strides[i] : room / strides[i]) + 1;
            if (ceilMode && (out[i] - 1) * strides[i] >= input[i] + begin[i]) {
                out[i]--; // the last window must start inside the input or its left padding
            }
        }
        return new Window(strides, dilations, begin, end, out);
    }

    static long[] ints(InferContext ctx, String name, int n, long fill) {
        long[] v = ctx.attributes().getInts(name, null);
        if (v == null) {
            v = new long[n];
            java.util.Arrays.fill(v, fill);
        } else if (v.length != n) {
            throw ctx.error(name + " has " + v.length + " values, expected " + n);
        }
        return v;
    }
}
