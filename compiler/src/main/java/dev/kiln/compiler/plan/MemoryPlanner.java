package dev.kiln.compiler.plan;

import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Assigns every value a place. Views (Reshape and friends) share their source's
 * place. Constants read at run time are laid out in the weight arrays in order of
 * first use. Everything else gets an offset in the arena of its storage type,
 * live from the node that writes it to the last node that reads it (or one of its
 * views); offsets are chosen greedily, largest value first, into the lowest gap
 * that no value alive at the same time occupies. Offsets are multiples of 16
 * elements so that vector kernels see the same alignment everywhere.
 *
 * <p>Kernels that need scratch memory (a packed panel, a row of partial sums) get
 * it from a per-part workspace: one region per part of a step, as large as the
 * largest scratch any step asks for, shared by all steps because a step's scratch
 * lives only while the step runs. The number of parts is the run-time thread
 * count, so the workspace is its own float array in each calling thread's context
 * rather than a slice of the arena.
 */
public final class MemoryPlanner {
    private static final int ALIGN = 16;

    private MemoryPlanner() {
    }

    /** Plans a graph whose kernels need no scratch memory. */
    public static MemoryPlan plan(Graph graph, OpRegistry registry) {
        return plan(graph, registry, node -> 0);
    }

    /**
     * @param scratchFloats for each kernel node, the floats of scratch one part of its
     *     work needs (0 for none); the back end's answer
     */
    public static MemoryPlan plan(Graph graph, OpRegistry registry, ToLongFunction<Node> scratchFloats) {
        IdentityHashMap<Value, MemoryPlan.Location> locations = new IdentityHashMap<>();
        for (int i = 0; i < graph.inputs().size(); i++) {
            Value v = graph.inputs().get(i);
            locations.put(v, new MemoryPlan.Location(MemoryPlan.Kind.INPUT, storage(v), i, 0));
        }
        // Which value owns the memory of each value (itself, or the source of a chain of views).
        Map<Value, Value> owner = new IdentityHashMap<>();
        List<Node> kernels = new ArrayList<>();
        EnumMap<Storage, List<Value>> constants = new EnumMap<>(Storage.class);
        EnumMap<Storage, Integer> constantSizes = new EnumMap<>(Storage.class);
        for (Node n : graph.nodes()) {
            OpDef op = registry.get(n);
            for (int i = 0; i < n.inputCount(); i++) {
                Value in = n.input(i);
                if (in != null && in.isConstant() && !op.isStaticInput(n, i)) {
                    placeConstant(in, locations, constants, constantSizes);
                }
            }
            if (op.isView(n) && !n.input(0).isConstant()) {
                owner.put(n.output(), ownerOf(n.input(0), owner));
            } else if (op.isView(n)) {
                owner.put(n.output(), n.input(0));
            } else {
                kernels.add(n);
            }
        }
        for (Value out : graph.outputs()) {
            if (out.isConstant()) {
                placeConstant(out, locations, constants, constantSizes);
            }
        }
        // Lifetimes of arena values, in kernel steps.
        Map<Value, int[]> life = new IdentityHashMap<>();
        List<Value> arenaValues = new ArrayList<>();
        for (int step = 0; step < kernels.size(); step++) {
            Node n = kernels.get(step);
            for (Value in : n.inputs()) {
                extend(ownerOf(in, owner), step, life);
            }
            for (Value out : n.outputs()) {
                if (out != null) {
                    life.put(out, new int[] {step, step});
                    arenaValues.add(out);
                }
            }
        }
        for (Value out : graph.outputs()) {
            extend(ownerOf(out, owner), kernels.size(), life);
        }
        EnumMap<Storage, Integer> arenaSizes = new EnumMap<>(Storage.class);
        arenaValues.sort(Comparator.comparingLong((Value v) -> -v.type().size())
                .thenComparingInt(v -> life.get(v)[0]));
        Map<Storage, List<Value>> placed = new EnumMap<>(Storage.class);
        Map<Value, Long> offsets = new IdentityHashMap<>();
        for (Value v : arenaValues) {
            Storage s = storage(v);
            List<Value> others = placed.computeIfAbsent(s, k -> new ArrayList<>());
            long offset = lowestGap(v, others, life, offsets);
            offsets.put(v, offset);
            others.add(v);
            long end = offset + v.type().size();
            if (end > Integer.MAX_VALUE - ALIGN) {
                throw new CompileException("the " + s.javaType() + " activations need " + end
                        + " elements at once, more than a Java array holds");
            }
            arenaSizes.merge(s, (int) align(end), Math::max);
            locations.put(v, new MemoryPlan.Location(MemoryPlan.Kind.ARENA, s, -1, (int) offset));
        }
        // Views take their owner's place.
        for (Map.Entry<Value, Value> e : owner.entrySet()) {
            Value root = ownerOf(e.getKey(), owner);
            MemoryPlan.Location l = locations.get(root);
            if (l == null && root.isConstant()) {
                placeConstant(root, locations, constants, constantSizes);
                l = locations.get(root);
            }
            locations.put(e.getKey(), l);
        }
        long scratch = 0;
        for (Node n : kernels) {
            scratch = Math.max(scratch, align(scratchFloats.applyAsLong(n)));
        }
        if (scratch > Integer.MAX_VALUE / 64) {
            throw new CompileException("a kernel needs " + scratch + " floats of scratch memory per thread, too many");
        }
        return new MemoryPlan(locations, arenaSizes, constants, constantSizes, kernels, (int) scratch);
    }

    private static long lowestGap(Value v, List<Value> others, Map<Value, int[]> life, Map<Value, Long> offsets) {
        int[] span = life.get(v);
        List<long[]> busy = new ArrayList<>();
        for (Value o : others) {
            int[] os = life.get(o);
            if (os[0] <= span[1] && span[0] <= os[1]) {
                long start = offsets.get(o);
                busy.add(new long[] {start, align(start + o.type().size())});
            }
        }
        busy.sort(Comparator.comparingLong(b -> b[0]));
        long size = v.type().size();
        long candidate = 0;
        for (long[] b : busy) {
            if (candidate + size <= b[0]) {
                break;
            }
            candidate = Math.max(candidate, b[1]);
        }
        return candidate;
    }

    private static void extend(Value v, int step, Map<Value, int[]> life) {
        int[] span = v == null ? null : life.get(v);
        if (span != null) {
            span[1] = Math.max(span[1], step);
        }
    }

    private static Value ownerOf(Value v, Map<Value, Value> owner) {
        Value root = v;
        while (root != null && owner.containsKey(root)) {
            root = owner.get(root);
        }
        return root;
    }

    private static void placeConstant(Value v, IdentityHashMap<Value, MemoryPlan.Location> locations,
                                      EnumMap<Storage, List<Value>> constants, EnumMap<Storage, Integer> sizes) {
        if (locations.containsKey(v)) {
            return;
        }
        Storage s = storage(v);
        int offset = sizes.getOrDefault(s, 0);
        long end = (long) offset + v.constant().size();
        if (end > Integer.MAX_VALUE) {
            throw new CompileException("the model's " + s.javaType() + " constants exceed 2^31 elements");
        }
        sizes.put(s, (int) end);
        constants.computeIfAbsent(s, k -> new ArrayList<>()).add(v);
        locations.put(v, new MemoryPlan.Location(MemoryPlan.Kind.CONSTANT, s, -1, offset));
    }

    private static Storage storage(Value v) {
        return v.type().elementType().storage();
    }

    private static long align(long n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }
}
