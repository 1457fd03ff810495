package dev.kiln.compiler.plan;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileOptions;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The memory plan's promise: two values that are alive at the same time never share
 * arena memory. Liveness is worked out here independently of the planner (a value is
 * alive from the step that writes it to the last step that reads it or any view of
 * it, to the end for graph outputs), on the LowFormer fixtures and on random graphs
 * with views and fan-out.
 */
class MemoryPlannerTest {
    private static final Path FIXTURES = Path.of("..", "examples", "lowformer", "fixtures");

    @Test
    void lowFormerFixturesHaveNoOverlappingLiveValues() {
        for (String stem : new String[] {"lowformer_tiny_op13", "lowformer_tiny_op17_176"}) {
            Compilation c = Compilation.of(FIXTURES.resolve(stem + ".onnx"), CompileOptions.defaults());
            int checked = assertNoLiveOverlap(c.model().graph(), c.plan());
            assertTrue(checked > 50, stem + ": only " + checked + " pairs of live values checked");
        }
    }

    @Test
    void randomGraphsWithViewsAndFanOutHaveNoOverlappingLiveValues() {
        for (int seed = 0; seed < 200; seed++) {
            Compilation c = Compilation.of(OnnxImporter.convert(randomGraph(new Random(seed)).build(), "random.onnx",
                    null, null), CompileOptions.defaults().withDisabledPasses(Set.of("remove-no-op-reshapes")));
            try {
                assertNoLiveOverlap(c.model().graph(), c.plan());
            } catch (AssertionError e) {
                fail("seed " + seed + ": " + e.getMessage(), e);
            }
        }
    }

    @Test
    void scratchIsTheLargestNeedRoundedToSixteenFloats() {
        Compilation c = Compilation.of(OnnxImporter.convert(randomGraph(new Random(7)).build(), "random.onnx", null,
                null), CompileOptions.defaults());
        MemoryPlan plan = MemoryPlanner.plan(c.model().graph(), OpRegistry.standard(),
                node -> node.is("Relu") ? 100 : node.is("Mul") ? 37 : 0);
        boolean relu = c.model().graph().nodes().stream().anyMatch(n -> n.is("Relu"));
        assertEquals(relu ? 112 : 48, plan.scratchPerPart(), c.model().graph().nodes().toString());
        assertEquals(0, MemoryPlanner.plan(c.model().graph(), OpRegistry.standard()).scratchPerPart());
    }

    /**
     * A chain of element-wise ops, Concats (which grow values) and Reshapes (views) over a
     * few inputs, each node reading random earlier values of the right size, several
     * values read more than once and some left as extra graph outputs.
     */
    private static OnnxModelBuilder randomGraph(Random r) {
        OnnxModelBuilder b = new OnnxModelBuilder(13).input("x", 1, 16).input("y", 1, 16);
        List<String> small = new ArrayList<>(List.of("x", "y"));
        List<String> big = new ArrayList<>();
        b.longs("flat", 1, 32).longs("square", 1, 2, 16);
        int nodes = 4 + r.nextInt(20);
        for (int i = 0; i < nodes; i++) {
            String out = "v" + i;
            switch (r.nextInt(5)) {
                case 0 -> {
                    b.node("Concat", pick(r, small) + "," + pick(r, small), out, attr("axis", 1L));
                    big.add(out);
                }
                case 1 -> {
                    if (big.isEmpty()) {
                        b.node("Relu", pick(r, small), out);
                        small.add(out);
                    } else {
                        b.node("Reshape", pick(r, big) + ",square", out);
                        b.node("Reshape", out + ",flat", out + "f");
                        b.node("Relu", out + "f", out + "r");
                        big.add(out + "r");
                    }
                }
                case 2 -> {
                    b.node("Mul", pick(r, small) + "," + pick(r, small), out);
                    small.add(out);
                }
                default -> {
                    List<String> pool = big.isEmpty() || r.nextBoolean() ? small : big;
                    b.node("Add", pick(r, pool) + "," + pick(r, pool), out);
                    pool.add(out);
                }
            }
        }
        b.output(small.get(small.size() - 1));
        if (!big.isEmpty()) {
            b.output(pick(r, big));
        }
        return b;
    }

    private static String pick(Random r, List<String> values) {
        // Prefer recent values, but reach back sometimes so that lifetimes overlap in many ways.
        int n = values.size();
        return values.get(r.nextInt(4) == 0 ? r.nextInt(n) : Math.max(0, n - 1 - r.nextInt(Math.min(n, 3))));
    }

    /** Checks every pair of arena values; returns how many pairs were alive together. */
    private static int assertNoLiveOverlap(Graph graph, MemoryPlan plan) {
        OpRegistry registry = OpRegistry.standard();
        Map<Value, Value> owner = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            if (registry.get(n).isView(n)) {
                owner.put(n.output(), n.input(0));
            }
        }
        List<Node> steps = plan.kernels();
        Map<Value, int[]> life = new IdentityHashMap<>();
        for (int step = 0; step < steps.size(); step++) {
            for (Value out : steps.get(step).outputs()) {
                if (out != null) {
                    life.put(out, new int[] {step, step});
                }
            }
            for (Value in : steps.get(step).inputs()) {
                int[] span = life.get(root(in, owner));
                if (span != null) {
                    span[1] = Math.max(span[1], step);
                }
            }
        }
        for (Value out : graph.outputs()) {
            int[] span = life.get(root(out, owner));
            if (span != null) {
                span[1] = steps.size();
            }
        }
        List<Value> arena = new ArrayList<>();
        for (Value v : life.keySet()) {
            if (plan.location(v).kind() == MemoryPlan.Kind.ARENA) {
                arena.add(v);
            }
        }
        int pairs = 0;
        for (int i = 0; i < arena.size(); i++) {
            for (int j = i + 1; j < arena.size(); j++) {
                Value a = arena.get(i);
                Value b = arena.get(j);
                int[] la = life.get(a);
                int[] lb = life.get(b);
                MemoryPlan.Location pa = plan.location(a);
                MemoryPlan.Location pb = plan.location(b);
                if (la[0] > lb[1] || lb[0] > la[1] || pa.storage() != pb.storage()) {
                    continue;
                }
                pairs++;
                long endA = pa.offset() + a.type().size();
                long endB = pb.offset() + b.type().size();
                if (pa.offset() < endB && pb.offset() < endA) {
                    fail(a.name() + " [" + pa.offset() + ", " + endA + ") alive in steps " + la[0] + "-" + la[1] + " and "
                            + b.name() + " [" + pb.offset() + ", " + endB + ") alive in steps " + lb[0] + "-" + lb[1]
                            + " share memory");
                }
                assertEquals(0, pa.offset() % 16, "offsets are multiples of 16 elements");
            }
        }
        // Views read their owner's memory.
        for (Map.Entry<Value, Value> e : owner.entrySet()) {
            assertEquals(plan.location(root(e.getKey(), owner)), plan.location(e.getKey()), e.getKey().name());
        }
        return pairs;
    }

    private static Value root(Value v, Map<Value, Value> owner) {
        Value r = v;
        while (r != null && owner.containsKey(r)) {
            r = owner.get(r);
        }
        return r;
    }
}
