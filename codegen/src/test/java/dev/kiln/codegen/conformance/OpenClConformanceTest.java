package dev.kiln.codegen.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.codegen.KilnOptions;
import dev.kiln.codegen.OpenClPlatform;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

/**
 * Every ONNX node test on the opencl back end: a test of an op it runs must pass as on the
 * java back end; a test whose graph needs what it does not run (string tensors) is
 * reported unsupported, as a skip with the reason. The tests run in batches of
 * {@value #BATCH} ({@link ConformanceBatch}): PoCL builds each OpenCL program with LLVM,
 * about a second each, so one program per test would take CI ten minutes longer.
 *
 * <p>{@code -Dkiln.conformance.ops=Pad,Split} runs only the tests of those operators.
 */
@Tag("full")
@Tag("opencl")
class OpenClConformanceTest {
    private static final int BATCH = 32;

    @TestFactory
    Stream<DynamicTest> nodeTests() {
        OpenClPlatform.require();
        ConformanceRunner runner = ConformanceRunner.forSuite(ConformanceSuiteTest.SUITE,
                KilnOptions.defaults().withTarget("opencl"));
        Set<String> only = ConformanceSuiteTest.selectedOps();
        List<Path> tests = ConformanceRunner.tests(ConformanceSuiteTest.SUITE).stream()
                .filter(dir -> only.isEmpty() || only.contains(runner.operatorOf(dir)))
                .toList();
        assertNotEquals(0, tests.size(), "no node tests selected");
        Map<Path, TestResult> results = new HashMap<>();
        return IntStream.range(0, (tests.size() + BATCH - 1) / BATCH).boxed().flatMap(b -> {
            List<Path> batch = tests.subList(b * BATCH, Math.min(tests.size(), (b + 1) * BATCH));
            return batch.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                if (!results.containsKey(dir)) {
                    List<TestResult> r = new ConformanceBatch(runner, BATCH).run(batch, x -> { });
                    for (int i = 0; i < batch.size(); i++) {
                        results.put(batch.get(i), r.get(i));
                    }
                }
                TestResult r = results.get(dir);
                switch (r.status()) {
                    case PASSED -> { }
                    case SKIPPED -> {
                        assertEquals(Skips.reason(r.test()), r.detail(), "skipped outside the documented list");
                        Assumptions.abort(r.detail());
                    }
                    case UNSUPPORTED -> Assumptions.abort(r.detail());
                    case FAILED -> fail(r.op() + ": " + r.detail());
                }
            }));
        });
    }
}
