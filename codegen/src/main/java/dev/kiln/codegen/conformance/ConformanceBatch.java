package dev.kiln.codegen.conformance;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Signature;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.passes.BindInputs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs node tests in batches: the graphs of several tests, each with its inputs bound,
 * side by side in one model, compiled, generated, loaded and run once, and each test's
 * outputs compared with its own expected ones. Each node keeps the opset its test
 * imports, and the graphs share nothing, so every test computes what it computes alone;
 * what is shared is the per-model cost (javac, and for OpenCL the program build, which
 * PoCL makes about a second). A batch that fails as a whole (a compile error, an
 * exception from the run) is run again test by test, so every result is a test's own.
 */
public final class ConformanceBatch {
    private final ConformanceRunner runner;
    private final int size;

    /** @param size tests per batch; 1 runs each test alone */
    public ConformanceBatch(ConformanceRunner runner, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a batch holds at least 1 test, got " + size);
        }
        this.runner = runner;
        this.size = size;
    }

    /** The results of {@code tests}, in order; {@code each} sees every result as it is known. */
    public List<TestResult> run(List<Path> tests, java.util.function.Consumer<TestResult> each) {
        Map<Path, TestResult> results = new HashMap<>();
        List<Path> batch = new ArrayList<>();
        List<ConformanceRunner.Case> cases = new ArrayList<>();
        for (Path test : tests) {
            if (size == 1) {
                results.put(test, report(runner.run(test), each));
                continue;
            }
            Object prepared = runner.prepare(test);
            if (prepared instanceof TestResult r) {
                results.put(test, report(r, each));
                continue;
            }
            TestResult alone = runnableAlone((ConformanceRunner.Case) prepared);
            if (alone != null) {
                results.put(test, report(alone, each));
                continue;
            }
            // Compiling rewrote the model: read the test again for the batch.
            cases.add((ConformanceRunner.Case) runner.prepare(test));
            batch.add(test);
            if (cases.size() == size) {
                runBatch(batch, cases, results, each);
            }
        }
        runBatch(batch, cases, results, each);
        return tests.stream().map(results::get).toList();
    }

    private static TestResult report(TestResult r, java.util.function.Consumer<TestResult> each) {
        each.accept(r);
        return r;
    }

    /** Null if the test compiles and the back end runs all its nodes, else its result. */
    private TestResult runnableAlone(ConformanceRunner.Case c) {
        try {
            Compilation compilation = Compilation.of(c.model(), runner.options().withBindings(c.bindings()).compileOptions());
            return runner.unsupported(c, compilation);
        } catch (RuntimeException e) {
            return ConformanceRunner.failure(c.name(), c.op(), e);
        }
    }

    private void runBatch(List<Path> batch, List<ConformanceRunner.Case> cases, Map<Path, TestResult> results,
                          java.util.function.Consumer<TestResult> each) {
        if (cases.isEmpty()) {
            return;
        }
        List<TestResult> together = null;
        try {
            together = together(cases);
        } catch (RuntimeException e) {
            // some test breaks the batch: every test runs alone, so its own result says which
        }
        for (int i = 0; i < batch.size(); i++) {
            results.put(batch.get(i), report(together != null ? together.get(i) : runner.run(batch.get(i)), each));
        }
        batch.clear();
        cases.clear();
    }

    /** The tests' graphs in one model, run once; each test's result from its own outputs. */
    private List<TestResult> together(List<ConformanceRunner.Case> cases) {
        Graph graph = new Graph();
        List<Signature> inputs = new ArrayList<>();
        List<Signature> outputs = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        Map<String, Integer> opsets = new HashMap<>();
        long ir = 0;
        for (ConformanceRunner.Case c : cases) {
            Model m = c.model();
            BindInputs.apply(m, c.bindings());
            for (Value v : m.graph().inputs()) {
                graph.addInput(v);
                inputs.add(new Signature(v.name(), v.type().elementType(),
                        Arrays.stream(v.type().dims()).mapToObj(Signature.Dim::of).toList()));
            }
            for (Node n : m.graph().nodes()) {
                graph.addNode(n);
            }
            m.graph().outputs().forEach(graph::addOutput);
            outputs.addAll(m.outputs());
            values.addAll(c.inputs());
            m.opsets().forEach((domain, version) -> opsets.merge(domain, version, Math::max));
            ir = Math.max(ir, m.irVersion());
        }
        Model merged = new Model(graph, "conformance-batch.onnx", "conformance-batch.onnx", cases.get(0).model().sha256(),
                "", ir, opsets, "kiln conformance", inputs, outputs);
        KilnOptions options = runner.options().withClassName("ConformanceBatch");
        Compilation compilation = Compilation.of(merged, options.compileOptions());
        GeneratedModel generated = options.backend().generate(compilation, options.generateOptions("model.onnx"));
        Object[] actual;
        try (LoadedModel loaded = LoadedModel.of(generated)) {
            actual = loaded.run(values.toArray());
        }
        List<TestResult> results = new ArrayList<>();
        int from = 0;
        for (ConformanceRunner.Case c : cases) {
            int n = c.model().outputs().size();
            results.add(ConformanceRunner.compare(c, compilation.model().graph().outputs().subList(from, from + n),
                    Arrays.copyOfRange(actual, from, from + n)));
            from += n;
        }
        return results;
    }
}
