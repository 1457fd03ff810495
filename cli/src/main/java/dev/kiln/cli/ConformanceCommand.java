package dev.kiln.cli;

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

    @Option(names = "--report", paramLabel = "FILE",
            description = "Also write a Markdown report: a table per operator and the list of failures.")
    private Path report;

    @Override
    public Integer call() {
        if (!Files.isDirectory(suite)) {
            throw new KilnException(suite + ": not a folder");
        }
        Pattern pattern = pattern();
        ConformanceRunner runner = ConformanceRunner.forSuite(suite, target.options());
        PrintWriter out = spec.commandLine().getOut();
        List<TestResult> results = new ArrayList<>();
        for (Path test : ConformanceRunner.tests(suite)) {
            if (pattern != null && !pattern.matcher(test.getFileName().toString()).find()) {
                continue;
            }
            TestResult r = runOne(runner, test);
            results.add(r);
            if (r.status() == TestResult.Status.FAILED) {
                out.println("FAILED " + r.test() + " (" + r.op() + "): " + r.detail());
                out.flush();
            }
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

    /** One test; an unexpected exception fails that test instead of ending the whole run. */
    private static TestResult runOne(ConformanceRunner runner, Path test) {
        try {
            return runner.run(test);
        } catch (RuntimeException | StackOverflowError e) {
            return new TestResult(test.getFileName().toString(), "?", TestResult.Status.FAILED,
                    "internal error: " + e.toString().lines().findFirst().orElse(""));
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
