package dev.kiln.codegen.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.codegen.KilnOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ONNX backend node tests copied into {@code conformance/onnx-node-tests}, each run
 * through the real path (passes, back end, javac, the generated class) and compared with
 * the test's own expected outputs. A test may be skipped only by the documented
 * {@link Skips} list (reported as skipped, with its reason); everything else must pass.
 *
 * <p>The suite runs once per Java back end ({@code java}, {@code vector}: the vector
 * back end's results must match as the scalar one's do). {@code -Dkiln.conformance.ops=Pad,Split}
 * runs only the tests of those operators, {@code -Dkiln.conformance.targets=vector} one back end.
 */
class ConformanceSuiteTest {
    static final Path SUITE = Paths.get("..", "conformance", "onnx-node-tests");

    @TestFactory
    Stream<DynamicContainer> nodeTests() {
        assertTrue(Files.isDirectory(SUITE), "the copied suite is missing: " + SUITE.toAbsolutePath());
        String targets = System.getProperty("kiln.conformance.targets", "java,vector");
        return Arrays.stream(targets.split(",")).map(String::trim)
                .map(t -> DynamicContainer.dynamicContainer(t, nodeTests(KilnOptions.defaults().withTarget(t))));
    }

    private static Stream<DynamicTest> nodeTests(KilnOptions options) {
        ConformanceRunner runner = ConformanceRunner.forSuite(SUITE, options);
        Set<String> only = selectedOps();
        List<Path> tests = ConformanceRunner.tests(SUITE);
        assertNotEquals(0, tests.size(), "no node tests under " + SUITE);
        return tests.stream()
                .filter(dir -> only.isEmpty() || only.contains(runner.operatorOf(dir)))
                .map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
                    TestResult r = runner.run(dir);
                    switch (r.status()) {
                        case PASSED -> { }
                        case SKIPPED -> {
                            assertEquals(Skips.reason(r.test()), r.detail(), "skipped outside the documented list");
                            Assumptions.abort(r.detail());
                        }
                        case FAILED, UNSUPPORTED -> fail(r.op() + ": " + r.detail());
                    }
                }));
    }

    static Set<String> selectedOps() {
        String ops = System.getProperty("kiln.conformance.ops", "").trim();
        return ops.isEmpty() ? Set.of() : Arrays.stream(ops.split(",")).map(String::trim).collect(Collectors.toSet());
    }
}
