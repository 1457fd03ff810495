package dev.kiln.report;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.plan.MemoryPlan;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The activation arena of one storage type over one inference: where each value
 * lives (element offset and size, from the memory plan) and when (from the kernel
 * step that writes it to the last step that reads it or a view of it; a graph
 * output lives to the end, step {@code steps}).
 *
 * @param storage the Java element type, e.g. {@code float}
 * @param elementBytes bytes per element (a String counted as a 4-byte reference)
 * @param elements the arena's size in elements
 * @param steps the kernel steps of one inference
 */
public record ArenaTimeline(String storage, int elementBytes, int elements, int steps, List<Lifetime> values) {
    /**
     * @param layer the index of the writing node in the layer table
     */
    public record Lifetime(String name, int offset, long size, int first, int last, int layer) {
    }

    static List<ArenaTimeline> of(Graph graph, MemoryPlan plan, OpRegistry registry) {
        Map<Node, Integer> layerOf = new IdentityHashMap<>();
        for (int i = 0; i < graph.nodes().size(); i++) {
            layerOf.put(graph.nodes().get(i), i);
        }
        List<Node> kernels = plan.kernels();
        Map<Value, int[]> life = new IdentityHashMap<>();
        Map<Storage, List<Value>> written = new EnumMap<>(Storage.class);
        for (int step = 0; step < kernels.size(); step++) {
            Node n = kernels.get(step);
            for (Value in : n.inputs()) {
                extend(life, memoryOwner(in, registry), step);
            }
            for (Value out : n.outputs()) {
                if (out != null && plan.location(out).kind() == MemoryPlan.Kind.ARENA) {
                    life.put(out, new int[] {step, step});
                    written.computeIfAbsent(plan.location(out).storage(), k -> new ArrayList<>()).add(out);
                }
            }
        }
        for (Value out : graph.outputs()) {
            extend(life, memoryOwner(out, registry), kernels.size());
        }
        List<ArenaTimeline> arenas = new ArrayList<>();
        for (Map.Entry<Storage, List<Value>> e : written.entrySet()) {
            List<Lifetime> values = new ArrayList<>();
            for (Value v : e.getValue()) {
                int[] span = life.get(v);
                values.add(new Lifetime(v.name(), plan.location(v).offset(), v.type().size(), span[0], span[1],
                        layerOf.get(v.producer())));
            }
            Storage s = e.getKey();
            arenas.add(new ArenaTimeline(s.javaType(), elementBytes(s), plan.arenaSizes().get(s),
                    kernels.size(), values));
        }
        return arenas;
    }

    /** The value whose memory {@code v} uses: itself, or the source of the views it is made by. */
    private static Value memoryOwner(Value v, OpRegistry registry) {
        Value owner = v;
        while (owner != null && owner.producer() != null && registry.get(owner.producer()).isView(owner.producer())
                && !owner.producer().input(0).isConstant()) {
            owner = owner.producer().input(0);
        }
        return owner;
    }

    private static void extend(Map<Value, int[]> life, Value v, int step) {
        int[] span = v == null ? null : life.get(v);
        if (span != null) {
            span[1] = Math.max(span[1], step);
        }
    }

    /** Bytes of one element of {@code s} in memory, a String counted as a 4-byte reference. */
    static int elementBytes(Storage s) {
        return s.bytes() > 0 ? s.bytes() : 4;
    }

    long bytes() {
        return (long) elements * elementBytes;
    }

    /** Bytes of all values that pass through the arena, as if none shared memory. */
    long intermediateBytes() {
        return values.stream().mapToLong(Lifetime::size).sum() * elementBytes;
    }
}
