package dev.kiln.cli;

import dev.kiln.codegen.KilnOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.InProcessJavac;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kiln demo}: the bundled small LowFormer (opset 17, 176x176), compiled,
 * built with javac, run, and checked against PyTorch's saved logits.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Compile the bundled small LowFormer model, build and run the generated class, and compare "
                + "its logits with PyTorch's.")
final class DemoCommand implements Callable<Integer> {
    /** The committed fixture, bundled in the jar by the cli pom. */
    private static final String STEM = "lowformer_tiny_op17_176";
    private static final String RESOURCES = "/dev/kiln/cli/demo/";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = "kiln-demo",
            description = "Where to write the model, the generated source and the classes (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "5",
            description = "Timed runs for the latency (default: ${DEFAULT-VALUE}).")
    private int runs;

    @Override
    public Integer call() throws IOException, ReflectiveOperationException {
        if (runs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path modelFile = dir.resolve(STEM + ".onnx");
        Files.createDirectories(dir);
        copyResource(STEM + ".onnx", modelFile);
        out.println("1. model     " + modelFile + " (LowFormer 'tiny', ONNX opset 17, input [1,3,176,176], "
                + "exported from PyTorch)");

        long t0 = System.nanoTime();
        GeneratedModel g = ModelCompiler.compile(modelFile, KilnOptions.defaults());
        Path sources = dir.resolve("src");
        g.writeTo(sources);
        out.printf("2. compile   %d ONNX nodes -> %d kernel calls; wrote %s and %s (%d bytes) in %d ms%n",
                g.compilation().importedOps().values().stream().mapToInt(Integer::intValue).sum(), g.stats().steps(),
                sources.resolve(g.qualifiedName().replace('.', '/') + ".java"), sources.resolve(g.weightsPath()),
                g.weightBytes(), (System.nanoTime() - t0) / 1_000_000);

        t0 = System.nanoTime();
        InProcessJavac.Classes classes = InProcessJavac.compileClasses(g.sources(), DemoCommand.class.getClassLoader(),
                g.backend().javacOptions());
        Path classDir = dir.resolve("classes");
        for (Map.Entry<String, byte[]> c : classes.bytes().entrySet()) {
            Path file = classDir.resolve(c.getKey().replace('.', '/') + ".class");
            Files.createDirectories(file.getParent());
            Files.write(file, c.getValue());
        }
        Files.copy(sources.resolve(g.weightsPath()), classDir.resolve(g.weightsPath()), StandardCopyOption.REPLACE_EXISTING);
        out.printf("3. javac     %d classes (%s) in %s, in %d ms%n", classes.bytes().size(),
                String.join(" ", g.backend().javacOptions()), classDir,
                (System.nanoTime() - t0) / 1_000_000);

        float[] input = RawFloats.read(extract(STEM + ".input.bin"), "the demo input");
        float[] torch = RawFloats.read(extract(STEM + ".output.bin"), "the demo's PyTorch output");
        Object model = load(classes.loader().loadClass(g.qualifiedName()), classDir.resolve(g.weightsPath()));
        Method run = getMethod(model.getClass(), "run", float[].class);
        float[] logits = (float[]) invoke(run, model, input);
        out.println("4. run       " + g.qualifiedName() + ".load().run(image) on the fixture's image -> "
                + logits.length + " logits");
        out.println("   top 5     " + topFive(logits));
        Comparison vsTorch = Comparison.of("PyTorch", "logits", logits, torch, 1e-4);
        out.printf("   PyTorch   max |kiln - torch| = %.3g (max |logit| %.3g): %s%n", vsTorch.maxAbsDiff(),
                vsTorch.maxAbsRef(), vsTorch.passed() ? "matches within 1e-4" : "DIFFERS");

        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            invoke(run, model, input);
            times[i] = System.nanoTime() - start;
        }
        Arrays.sort(times);
        out.printf("5. latency   %.1f ms (median of %d runs, one thread, after one warm-up run)%n",
                times[runs / 2] / 1e6, runs);
        out.println("Use it in your code: add " + sources + " to your sources (and the .weights file to your "
                + "resources), depend on dev.kiln:kiln-runtime-min, then " + g.qualifiedName() + ".load().run(pixels).");
        out.flush();
        return vsTorch.passed() ? 0 : Kiln.EXIT_MISMATCH;
    }

    private static Object load(Class<?> type, Path weights) throws IOException {
        try (InputStream in = Files.newInputStream(weights)) {
            return invoke(getMethod(type, "load", InputStream.class), null, in);
        }
    }

    private static Method getMethod(Class<?> type, String name, Class<?>... parameters) {
        try {
            return type.getMethod(name, parameters);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("generated class has no " + name + " method", e);
        }
    }

    private static Object invoke(Method m, Object target, Object arg) {
        try {
            return m.invoke(target, arg);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Like {@code #412 8.21, #17 7.90, ...}: the five largest logits with their class index. */
    static String topFive(float[] logits) {
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(5, order.length); i++) {
            s.append(i == 0 ? "" : ", ").append(String.format("#%d %.4f", order[i], logits[order[i]]));
        }
        return s.toString();
    }

    private void copyResource(String name, Path target) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new KilnException("the demo model " + name + " is not bundled in this build of kiln");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path extract(String name) {
        Path target = dir.resolve(name);
        try {
            copyResource(name, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }
}
