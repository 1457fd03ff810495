package dev.kiln.codegen.conformance;

import dev.kiln.codegen.Backend;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.onnx.TensorProtos;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Runs ONNX backend node tests ({@code <test>/model.onnx} with
 * {@code test_data_set_0/input_N.pb} and {@code output_N.pb}) through the real
 * path: passes, back end, in-process javac, the generated class. Inputs that
 * decide shapes are bound as compile-time constants from the test data, the
 * others get their shapes from it, as a user would pass them. A test whose compiled
 * graph has a node the back end cannot run is UNSUPPORTED rather than failed.
 */
public final class ConformanceRunner {
    private final KilnOptions options;
    private final Map<String, String> opOfTest;

    /**
     * @param options the back end and CPU profile to run the tests on (bindings come from each test)
     * @param opOfTest the operator each test is for (from INDEX.tsv); tests not listed use their first node's op
     */
    public ConformanceRunner(KilnOptions options, Map<String, String> opOfTest) {
        this.options = options;
        this.opOfTest = opOfTest;
    }

    /** A runner for a suite folder, reading its INDEX.tsv if there is one. */
    public static ConformanceRunner forSuite(Path suite, KilnOptions options) {
        return new ConformanceRunner(options, readIndex(suite.resolve("INDEX.tsv")));
    }

    /** Every test folder (one holding a model.onnx) under {@code suite}, sorted by name. */
    public static List<Path> tests(Path suite) {
        try (Stream<Path> s = Files.list(suite)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + suite + ": " + e.getMessage(), e);
        }
    }

    /** The operator test {@code testDir} is for, from INDEX.tsv; "?" when the index does not list it. */
    public String operatorOf(Path testDir) {
        return opOfTest.getOrDefault(testDir.getFileName().toString(), "?");
    }

    /**
     * A test read and ready to compile: its model, the bindings that make its inputs concrete
     * (those that decide shapes become constants), the runtime inputs and the expected outputs.
     */
    record Case(String name, String op, Model model, InputBindings bindings, List<Object> inputs, List<Tensor> expected) {
    }

    /** Runs one test. Never throws for a failing model: a failure is a result. */
    public TestResult run(Path testDir) {
        Object prepared = prepare(testDir);
        if (prepared instanceof TestResult r) {
            return r;
        }
        Case c = (Case) prepared;
        try {
            KilnOptions testOptions = options.withBindings(c.bindings()).withClassName("ConformanceTest");
            Compilation compilation = Compilation.of(c.model(), testOptions.compileOptions());
            TestResult unsupported = unsupported(c, compilation);
            if (unsupported != null) {
                return unsupported;
            }
            GeneratedModel generated = testOptions.backend().generate(compilation,
                    testOptions.generateOptions("model.onnx"));
            Object[] actual;
            try (LoadedModel loaded = LoadedModel.of(generated)) {
                actual = loaded.run(c.inputs().toArray());
            }
            return compare(c, compilation.model().graph().outputs(), actual);
        } catch (RuntimeException e) {
            return failure(c.name(), c.op(), e);
        }
    }

    /** The test read from its folder, or its result when it cannot run (skipped, or unreadable). */
    Object prepare(Path testDir) {
        String name = testDir.getFileName().toString();
        String skip = Skips.reason(name);
        String op = opOfTest.get(name);
        if (skip != null) {
            return new TestResult(name, op == null ? "?" : op, TestResult.Status.SKIPPED, skip);
        }
        try {
            Model model = OnnxImporter.read(testDir.resolve("model.onnx"));
            if (op == null) {
                op = model.graph().nodes().isEmpty() ? "?" : model.graph().nodes().get(0).opType();
            }
            Path data = testDir.resolve("test_data_set_0");
            List<Tensor> inputs = readAll(data, "input_");
            List<Tensor> expected = readAll(data, "output_");
            Graph graph = model.graph();
            if (inputs.size() > graph.inputs().size()) {
                return failed(name, op, "the test has " + inputs.size() + " inputs, the model " + graph.inputs().size());
            }
            Set<Value> shapeDeciding = shapeDeciding(graph);
            InputBindings bindings = new InputBindings();
            List<Object> runtimeInputs = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                Value v = graph.inputs().get(i);
                Tensor t = inputs.get(i);
                if (shapeDeciding.contains(v)) {
                    bindings.constant(v.name(), t);
                } else {
                    bindings.shape(v.name(), t.type().dims());
                    runtimeInputs.add(t.data());
                }
            }
            return new Case(name, op, model, bindings, runtimeInputs, expected);
        } catch (RuntimeException e) {
            return failure(name, op == null ? "?" : op, e);
        }
    }

    /** UNSUPPORTED if the back end cannot run one of the compiled graph's nodes, else null. */
    TestResult unsupported(Case c, Compilation compilation) {
        Backend backend = options.backend();
        for (Node n : compilation.plan().kernels()) {
            if (!backend.supports(n)) {
                String on = n.inputs().stream().filter(v -> v != null).findFirst()
                        .map(v -> " on " + v.type().elementType().onnxName()).orElse("");
                return new TestResult(c.name(), c.op(), TestResult.Status.UNSUPPORTED, "the " + backend.id()
                        + " back end does not run " + n.opType() + on);
            }
        }
        return null;
    }

    /** The result of comparing a test's outputs ({@code outputs} of the compiled graph, values {@code actual}). */
    static TestResult compare(Case c, List<Value> outputs, Object[] actual) {
        if (actual.length != c.expected().size()) {
            return failed(c.name(), c.op(), actual.length + " outputs, expected " + c.expected().size());
        }
        for (int i = 0; i < actual.length; i++) {
            Tensor got = new Tensor(outputs.get(i).type(), actual[i]);
            String mismatch = TensorComparison.mismatch(c.expected().get(i), got, TensorComparison.RTOL,
                    TensorComparison.ATOL);
            if (mismatch != null) {
                return failed(c.name(), c.op(), "output " + i + " ('" + c.model().outputs().get(i).name() + "'): " + mismatch);
            }
        }
        return new TestResult(c.name(), c.op(), TestResult.Status.PASSED, "");
    }

    /** A failure from an exception Kiln or the generated code threw; anything else is not a test result. */
    static TestResult failure(String name, String op, RuntimeException e) {
        if (e instanceof CompileException || e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof UncheckedIOException || e instanceof ArithmeticException
                || e instanceof IndexOutOfBoundsException || e instanceof ClassCastException
                || e instanceof NullPointerException) {
            return failed(name, op, oneLine(e));
        }
        throw e;
    }

    KilnOptions options() {
        return options;
    }

    private static TestResult failed(String name, String op, String why) {
        return new TestResult(name, op, TestResult.Status.FAILED, why);
    }

    /**
     * The graph inputs whose values decide shapes: those from which a path of nodes leads
     * to an input that its op reads at compile time (a Reshape's shape, Slice's starts...).
     */
    static Set<Value> shapeDeciding(Graph graph) {
        OpRegistry registry = OpRegistry.standard();
        Deque<Value> work = new ArrayDeque<>();
        for (Node n : graph.nodes()) {
            OpDef op = registry.find(n);
            if (op == null) {
                continue;
            }
            for (int i = 0; i < n.inputCount(); i++) {
                if (n.input(i) != null && op.isStaticInput(n, i)) {
                    work.add(n.input(i));
                }
            }
        }
        Set<Value> seen = new HashSet<>();
        Set<Value> inputs = new LinkedHashSet<>();
        Set<Value> graphInputs = new HashSet<>(graph.inputs());
        while (!work.isEmpty()) {
            Value v = work.poll();
            if (!seen.add(v)) {
                continue;
            }
            if (graphInputs.contains(v)) {
                inputs.add(v);
            } else if (v.producer() != null) {
                for (Value in : v.producer().inputs()) {
                    if (in != null) {
                        work.add(in);
                    }
                }
            }
        }
        return inputs;
    }

    private static List<Tensor> readAll(Path dir, String prefix) {
        List<Tensor> out = new ArrayList<>();
        for (int i = 0; Files.exists(dir.resolve(prefix + i + ".pb")); i++) {
            out.add(TensorProtos.read(dir.resolve(prefix + i + ".pb")));
        }
        return out;
    }

    private static Map<String, String> readIndex(Path index) {
        Map<String, String> ops = new HashMap<>();
        if (!Files.exists(index)) {
            return ops;
        }
        try {
            for (String line : Files.readAllLines(index)) {
                String[] f = line.split("\t");
                if (f.length >= 2 && !f[0].equals("test_name")) {
                    ops.put(f[0], f[1]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ops;
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        if (!(e instanceof CompileException)) {
            m = e.getClass().getSimpleName() + ": " + m;
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl) + " ...";
    }
}
