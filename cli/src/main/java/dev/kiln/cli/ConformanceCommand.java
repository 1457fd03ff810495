package dev.kiln.cli;

import dev.kiln.codegen.conformance.ConformanceBatch;
import dev.kiln.codegen.conformance.ConformanceRunner;
import dev.kiln.codegen.conformance.TestResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln conformance}: the ONNX backend node tests through the real compile path. */
@Command(name = "conformance", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Run every ONNX node test (a folder with model.onnx and test_data_set_0/) under DIR through "
                + "Kiln, print one line per failure and a summary line.",
            "Exits with 3 if any test failed."})
final class ConformanceCommand implements Callable<Integer> {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR",
            description = "The test suite folder, e.g. conformance/onnx-node-tests (its INDEX.tsv names each test's op).")
    private Path suite;

    @CommandLine.Mixin
    private TargetOption target;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Run only tests whose name contains a match.")
    private String filter;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1",
            description = "Compile and run up to N tests as one model (each graph unchanged, each test checked on its own"
                    + " outputs; a batch that fails as a whole reruns its tests alone). Saves javac and, for --target opencl,"
                    + " the OpenCL program build per test. Default: 1.")
    private int batch;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a Markdown report: a table per operator and the list of failures.")
    private Path report;

    @Override
    public Integer call() {
        if (!Files.isDirectory(suite)) {
            throw new KilnException(suite + ": not a folder");
        }
        Pattern pattern = pattern();
        if (batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be at least 1, got " + batch);
        }
        ConformanceRunner runner = ConformanceRunner.forSuite(suite, target.options());
        PrintWriter out = spec.commandLine().getOut();
        List<Path> tests = new ArrayList<>();
        for (Path test : ConformanceRunner.tests(suite)) {
            if (pattern == null || pattern.matcher(test.getFileName().toString()).find()) {
                tests.add(test);
            }
        }
        List<TestResult> results = new ArrayList<>();
        for (int from = 0; from < tests.size(); from += batch) {
            results.addAll(runBatch(runner, tests.subList(from, Math.min(tests.size(), from + batch)), r -> {
                if (r.status() == TestResult.Status.FAILED) {
                    out.println("FAILED " + r.test() + " (" + r.op() + "): " + r.detail());
                    out.flush();
                }
            }));
        }
        long passed = count(results, TestResult.Status.PASSED);
        long failed = count(results, TestResult.Status.FAILED);
        long skipped = count(results, TestResult.Status.SKIPPED);
        long unsupported = count(results, TestResult.Status.UNSUPPORTED);
        if (report != null) {
            writeReport(results);
        }
        out.println("conformance: " + passed + " passed, " + failed + " failed, " + skipped + " skipped"
                + (unsupported == 0 ? "" : ", " + unsupported + " unsupported by the " + target.target() + " back end"));
        out.flush();
        return failed > 0 ? Kiln.EXIT_MISMATCH : 0;
    }

    /**
     * A batch of tests; an unexpected exception fails those tests instead of ending the whole run
     * (the batch is rerun test by test, so it fails only the test that throws).
     */
    private static List<TestResult> runBatch(ConformanceRunner runner, List<Path> tests, Consumer<TestResult> each) {
        try {
            return new ConformanceBatch(runner, tests.size()).run(tests, each);
        } catch (RuntimeException | StackOverflowError e) {
            if (tests.size() > 1) {
                List<TestResult> alone = new ArrayList<>();
                for (Path test : tests) {
                    alone.addAll(runBatch(runner, List.of(test), each));
                }
                return alone;
            }
            TestResult r = new TestResult(tests.get(0).getFileName().toString(), "?", TestResult.Status.FAILED,
                    "internal error: " + e.toString().lines().findFirst().orElse(""));
            each.accept(r);
            return List.of(r);
        }
    }

    private Pattern pattern() {
        if (filter == null) {
            return null;
        }
        try {
            return Pattern.compile(filter);
        } catch (PatternSyntaxException e) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--filter: not a regular expression: " + e.getDescription());
        }
    }

    private void writeReport(List<TestResult> results) {
        String text = ConformanceReport.markdown(suite.toString(), target.target(), results);
        try {
            Path parent = report.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(report, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KilnException("cannot write the report " + report + ": " + e.getMessage(), e);
        }
    }

    private static long count(List<TestResult> results, TestResult.Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }
}
