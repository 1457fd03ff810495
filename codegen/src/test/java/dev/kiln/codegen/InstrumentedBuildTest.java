package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.plan.MemoryPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The debug build ({@code GenerateOptions.instrumented}): it only adds to the normal class, the normal
 * class has none of it, its step timers cover every step, and its intermediate values are what the
 * steps wrote.
 */
class InstrumentedBuildTest {
    private static final List<String> DEBUG_ONLY = List.of("stepNanos", "resetStepNanos", "intermediates",
            "System.nanoTime", "stepDone", "STEPS", "AtomicLongArray", "capture");

    private static KilnOptions options(boolean instrumented, boolean standalone) {
        return KilnOptions.defaults().withTarget(KilnRunner.TARGET).withStandalone(standalone)
                .withInstrumented(instrumented);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void theNormalBuildIsTheDebugBuildWithoutItsAdditions(String stem) {
        for (boolean standalone : new boolean[] {false, true}) {
            GeneratedModel normal = Kiln.compile(Fixtures.model(stem), options(false, standalone));
            GeneratedModel debug = Kiln.compile(Fixtures.model(stem), options(true, standalone));
            assertEquals(normal.sources().keySet(), debug.sources().keySet());
            assertNotEquals(normal.fingerprint(), debug.fingerprint(), "a debug build's weights are not the normal one's");
            String modelClass = normal.weightsPath().replace(".weights", ".java");
            for (String path : normal.sources().keySet()) {
                String n = normal.sources().get(path);
                if (!path.equals(modelClass)) {
                    assertEquals(n, debug.sources().get(path), path + " is the same in both builds");
                    continue;
                }
                for (String word : DEBUG_ONLY) {
                    assertFalse(n.contains(word), "the normal build has no '" + word + "'");
                }
                assertOnlyAdded(n.replace(normal.fingerprint(), "FP"), debug.sources().get(path)
                        .replace(debug.fingerprint(), "FP").replace(" --instrumented\n", "\n"));
            }
        }
    }

    /** Every line of {@code normal} is in {@code debug}, in order: the debug build only adds lines. */
    private static void assertOnlyAdded(String normal, String debug) {
        String[] d = debug.split("\n", -1);
        int j = 0;
        int added = 0;
        for (String line : normal.split("\n", -1)) {
            while (j < d.length && !d[j].equals(line)) {
                j++;
                added++;
            }
            assertTrue(j < d.length, "the debug build lacks or changed the normal build's line: " + line);
            j++;
        }
        assertTrue(added + d.length - j > 0, "the debug build adds something");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13"})
    void stepTimersCoverEveryStepAndResultsAreTheNormalBuilds(String stem) {
        GeneratedModel normal = Kiln.compile(Fixtures.model(stem), options(false, false));
        GeneratedModel debug = Kiln.compile(Fixtures.model(stem), options(true, false));
        LoadedModel plain = LoadedModel.of(normal);
        LoadedModel timed = LoadedModel.of(debug);
        float[] input = Fixtures.input(stem);
        for (int threads : new int[] {1, 2}) {
            plain.setThreads(threads);
            timed.setThreads(threads);
            assertArrayEquals((float[]) plain.run(input)[0], (float[]) timed.run(input)[0],
                    "bit-identical at " + threads + " threads");
        }
        timed.setThreads(1);
        timed.resetStepNanos();
        for (long n : timed.stepNanos()) {
            assertEquals(0, n);
        }
        int runs = 3;
        long start = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            timed.run(input);
        }
        long wall = System.nanoTime() - start;
        long[] nanos = timed.stepNanos();
        assertEquals(debug.compilation().plan().kernels().size(), nanos.length);
        long sum = 0;
        for (int i = 0; i < nanos.length; i++) {
            assertTrue(nanos[i] > 0, "step " + i + " was timed");
            sum += nanos[i];
        }
        assertTrue(sum <= wall, "the steps' time " + sum + " ns fits in the runs' " + wall + " ns");
        assertThrows(IllegalStateException.class, plain::stepNanos, "a normal build has no timers");

        StepProfile profile = StepProfile.measure(debug, timed, new Object[] {input}, 2);
        assertEquals(nanos.length, profile.millis().length);
        assertTrue(profile.totalMillis() <= profile.runMillis() * 1.0001, profile.totalMillis() + " ms of steps in a "
                + profile.runMillis() + " ms run");
        int slowest = profile.slowest(1).get(0);
        for (double ms : profile.millis()) {
            assertTrue(ms <= profile.millis()[slowest]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void intermediatesAreEveryValueTheStepsWrote(String stem) {
        GeneratedModel debug = Kiln.compile(Fixtures.model(stem), options(true, false));
        LoadedModel loaded = LoadedModel.of(debug);
        float[] input = Fixtures.input(stem);
        float[] output = (float[]) loaded.run(input)[0];
        Map<String, Object> values = loaded.intermediates(input);

        MemoryPlan plan = debug.compilation().plan();
        Map<Value, String> names = debug.compilation().model().graph().uniqueNames();
        List<String> written = new ArrayList<>();
        for (Node n : plan.kernels()) {
            for (Value v : n.outputs()) {
                if (v != null) {
                    written.add(names.get(v));
                }
            }
        }
        List<String> kernelOutputs = new ArrayList<>(values.keySet());
        kernelOutputs.retainAll(written);
        assertEquals(written, kernelOutputs, "every step's output, in step order");
        for (Node n : debug.compilation().model().graph().nodes()) {
            if (!plan.kernels().contains(n) && plan.location(n.output()).kind() == MemoryPlan.Kind.ARENA) {
                Object view = values.get(names.get(n.output()));
                Object source = values.get(names.get(n.input(0)));
                assertArrayEquals((float[]) source, (float[]) view, "a view holds its source's data");
            }
        }
        for (Map.Entry<Value, String> e : names.entrySet()) {
            if (values.containsKey(e.getValue())) {
                assertEquals(e.getKey().type().size(), java.lang.reflect.Array.getLength(values.get(e.getValue())),
                        e.getValue());
            }
        }
        Value out = debug.compilation().model().graph().outputs().get(0);
        assertArrayEquals(output, (float[]) values.get(names.get(out)), "the output as run() returns it");
    }
}
