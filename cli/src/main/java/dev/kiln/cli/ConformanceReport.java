package dev.kiln.cli;

import dev.kiln.codegen.conformance.TestResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The Markdown report of {@code kiln conformance --report}: one row per operator, then every failure. */
final class ConformanceReport {
    private ConformanceReport() {
    }

    static String markdown(String suite, String target, List<TestResult> results) {
        Map<String, List<TestResult>> byOp = new TreeMap<>();
        for (TestResult r : results) {
            byOp.computeIfAbsent(r.op(), k -> new ArrayList<>()).add(r);
        }
        StringBuilder s = new StringBuilder();
        s.append("# Kiln conformance: ").append(suite).append(" (target ").append(target).append(")\n\n");
        long unsupported = count(results, TestResult.Status.UNSUPPORTED);
        s.append(String.format("%d tests: %d passed, %d failed, %d skipped%s.%n%n", results.size(),
                count(results, TestResult.Status.PASSED), count(results, TestResult.Status.FAILED),
                count(results, TestResult.Status.SKIPPED), unsupported == 0 ? ""
                        : ", " + unsupported + " unsupported (a node the " + target
                                + " back end does not run: an op it has no kernel for, or a type it cannot hold)"));
        s.append("Written by `kiln conformance ").append(suite).append(" --target ").append(target)
                .append(" --report FILE`. Each test is compiled through the real emitter and in-process javac, ")
                .append("and the generated class is run on the test's inputs (inputs that decide shapes are bound ")
                .append("as constants). An output passes when count, shape and element type match and ")
                .append("|actual − expected| <= 1e-7 + 1e-3·|expected| element-wise, NaN matching NaN. ")
                .append("Only the documented skip list (Cast to and from the 8-, 4- and 2-bit types; ")
                .append("`test_range_*_expanded`, which need Loop) may skip a test.\n\n");
        s.append("| op | tests | passed | failed | skipped |").append(unsupported == 0 ? "" : " unsupported |")
                .append(" skip reasons |\n");
        s.append("|---|---:|---:|---:|---:|").append(unsupported == 0 ? "" : "---:|").append("---|\n");
        byOp.forEach((op, list) -> {
            Set<String> reasons = new LinkedHashSet<>();
            list.stream().filter(r -> r.status() == TestResult.Status.SKIPPED).forEach(r -> reasons.add(r.detail()));
            s.append("| ").append(cell(op)).append(" | ").append(list.size())
                    .append(" | ").append(count(list, TestResult.Status.PASSED))
                    .append(" | ").append(count(list, TestResult.Status.FAILED))
                    .append(" | ").append(count(list, TestResult.Status.SKIPPED))
                    .append(unsupported == 0 ? "" : " | " + count(list, TestResult.Status.UNSUPPORTED))
                    .append(" | ").append(cell(String.join("; ", reasons))).append(" |\n");
        });
        List<TestResult> failures = results.stream().filter(r -> r.status() == TestResult.Status.FAILED).toList();
        s.append("\n## Failures\n\n");
        if (failures.isEmpty()) {
            s.append("None.\n");
        }
        for (TestResult r : failures) {
            s.append("- `").append(r.test()).append("` (").append(r.op()).append("): ").append(cell(r.detail()))
                    .append('\n');
        }
        return s.toString();
    }

    private static long count(List<TestResult> results, TestResult.Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    /** Text safe inside a table cell: no pipes, no line breaks. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
