package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.Attention;
import dev.kiln.compiler.ops.FusedConv;
import dev.kiln.compiler.ops.Normalization;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Which values of a compiled graph {@link ChooseLayout} put in channels-last order
 * (NHWC where ONNX has NCHW), read back from the nodes it made: the compile report's
 * layout column and {@code kiln verify --all-layers}, which undoes the layout to compare
 * with ONNX Runtime, both ask here.
 *
 * <p>Channels-last are the outputs of FusedConv and Attention with {@code channels_last = 1},
 * of Kiln's GroupNormalization, and of the Transposes into NHWC a pass added; and, because
 * choose-layout moves every element-wise reader of a moved value along with it and gives
 * every other reader a Transpose back, the output of any other node that reads a
 * channels-last value, except that Transpose back.
 */
public final class ChannelsLastValues {
    private static final long[] TO_CHANNELS_LAST = {0, 2, 3, 1};

    private ChannelsLastValues() {
    }

    /** The channels-last values of {@code graph}, a graph the passes (choose-layout among them) ran on. */
    public static Set<Value> of(Graph graph) {
        Set<Value> last = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Node n : graph.nodes()) {
            if (writesChannelsLast(n, last)) {
                for (Value v : n.outputs()) {
                    if (v != null) {
                        last.add(v);
                    }
                }
            }
        }
        return last;
    }

    private static boolean writesChannelsLast(Node n, Set<Value> channelsLast) {
        if (n.domain().equals(Node.KILN_DOMAIN)) {
            return switch (n.opType()) {
                case FusedConv.OP_TYPE -> FusedConv.layout(n).channelsLast();
                case Attention.OP_TYPE -> n.attributes().getInt("channels_last", 0) == 1;
                case Normalization.ChannelsLastGroupNormalization.OP_TYPE -> true;
                default -> readsAny(n, channelsLast);
            };
        }
        if (n.is("Transpose")) {
            return n.origins().isEmpty() && Arrays.equals(n.attributes().getInts("perm", null), TO_CHANNELS_LAST);
        }
        return readsAny(n, channelsLast);
    }

    private static boolean readsAny(Node n, Set<Value> values) {
        for (Value in : n.inputs()) {
            if (in != null && values.contains(in)) {
                return true;
            }
        }
        return false;
    }
}
