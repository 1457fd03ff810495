package dev.kiln.compiler.plan;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.Value;
import java.util.Collections;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where every value lives at run time: in a caller's input array, in the weight
 * arrays (constants), or in the per-thread activation arena of its storage type,
 * at an element offset. Made by {@link MemoryPlanner}.
 */
public final class MemoryPlan {
    /** The three places a value can live. */
    public enum Kind { INPUT, CONSTANT, ARENA }

    /**
     * @param kind where the value lives
     * @param storage the Java array type holding it
     * @param input for INPUT, the graph input's index
     * @param offset the element offset of the value's first element in its array
     */
    public record Location(Kind kind, Storage storage, int input, int offset) {
    }

    private final Map<Value, Location> locations;
    private final Map<Storage, Integer> arenaSizes;
    private final Map<Storage, List<Value>> constants;
    private final Map<Storage, Integer> constantSizes;
    private final List<Node> kernels;
    private final int scratchPerPart;

    MemoryPlan(IdentityHashMap<Value, Location> locations, EnumMap<Storage, Integer> arenaSizes,
               EnumMap<Storage, List<Value>> constants, EnumMap<Storage, Integer> constantSizes, List<Node> kernels,
               int scratchPerPart) {
        this.locations = Collections.unmodifiableMap(locations);
        this.arenaSizes = Collections.unmodifiableMap(arenaSizes);
        this.constants = Collections.unmodifiableMap(constants);
        this.constantSizes = Collections.unmodifiableMap(constantSizes);
        this.kernels = List.copyOf(kernels);
        this.scratchPerPart = scratchPerPart;
    }

    /**
     * Floats of scratch memory each part of a step may use, a multiple of 16: part
     * {@code p} owns {@code [p * scratchPerPart, (p + 1) * scratchPerPart)} of the calling
     * thread's workspace. 0 when no kernel needs scratch.
     */
    public int scratchPerPart() {
        return scratchPerPart;
    }

    /** The location of {@code v}; every value a kernel or the graph's outputs read has one. */
    public Location location(Value v) {
        Location l = locations.get(v);
        if (l == null) {
            throw new IllegalStateException("no location planned for " + v);
        }
        return l;
    }

    /** Elements in the arena of each storage type (only types that need one). */
    public Map<Storage, Integer> arenaSizes() {
        return arenaSizes;
    }

    /** The constants stored in the weight file, per storage type, in the order of their offsets. */
    public Map<Storage, List<Value>> constants() {
        return constants;
    }

    /** Elements of each storage type in the weight file. */
    public Map<Storage, Integer> constantSizes() {
        return constantSizes;
    }

    /** The nodes that run a kernel, in execution order (views are left out: they run nothing). */
    public List<Node> kernels() {
        return kernels;
    }

    /** Bytes of all arenas, per calling thread (strings counted as references). */
    public long arenaBytes() {
        long b = 0;
        for (Map.Entry<Storage, Integer> e : arenaSizes.entrySet()) {
            b += (long) e.getValue() * Math.max(4, e.getKey().bytes());
        }
        return b;
    }
}
