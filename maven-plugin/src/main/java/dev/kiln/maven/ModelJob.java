package dev.kiln.maven;

import dev.kiln.codegen.Backends;
import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.compiler.BindingSyntax;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.FileNames;
import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.KilnVersion;
import dev.kiln.compiler.onnx.ExternalDataFiles;
import dev.kiln.compiler.onnx.TensorProtos;
import dev.kiln.compiler.target.TargetProfile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoFailureException;

/**
 * One model to generate, with every setting resolved: the model file, the back end
 * and CPU profile, the names of the output and the input bindings. Building it
 * checks the configuration, so mistakes are reported before anything is compiled.
 *
 * @param target the back end's name
 * @param cpu the CPU profile
 * @param options the output's package, class name and standalone setting
 * @param constantFiles the TensorProto files of {@code <constants>}, by input name
 */
record ModelJob(Path model, String target, TargetProfile cpu, GenerateOptions options, Map<String, long[]> shapes,
                Map<String, Long> dims, Map<String, Path> constantFiles) {

    /**
     * Resolves an entry against the project directory and the goal's top-level defaults.
     *
     * @throws MojoFailureException for a missing model file or a malformed setting, naming the model
     */
    static ModelJob of(ModelEntry e, Path baseDir, ModelEntry defaults) throws MojoFailureException {
        if (e.model == null || e.model.isBlank()) {
            throw new MojoFailureException("Kiln: a <models> entry has no <model> (the .onnx or .onnxtxt file)");
        }
        Path model = baseDir.resolve(e.model).normalize();
        if (!Files.isRegularFile(model)) {
            throw new MojoFailureException("Kiln: model file not found: " + FileNames.of(model));
        }
        String where = "Kiln: " + FileNames.of(model);
        GenerateOptions options = GenerateOptions.defaults(model.getFileName().toString());
        String target = Backends.DEFAULT;
        TargetProfile cpu = TargetProfile.DEFAULT;
        try {
            String packageName = first(e.packageName, defaults.packageName);
            if (packageName != null) {
                options = options.withPackage(packageName.trim());
            }
            if (e.className != null) {
                options = options.withClassName(e.className.trim());
            }
            String targetSetting = first(e.target, defaults.target);
            if (targetSetting != null) {
                target = Backends.get(targetSetting.trim()).id();
            }
            String cpuSetting = first(e.cpu, defaults.cpu);
            if (cpuSetting != null) {
                cpu = TargetProfile.named(cpuSetting);
            }
            options = options.withStandalone(Boolean.TRUE.equals(first(e.standalone, defaults.standalone)))
                    .withScalarFallback(!Boolean.FALSE.equals(first(e.scalarFallback, defaults.scalarFallback)));
        } catch (IllegalArgumentException ex) {
            throw new MojoFailureException(where + ": " + ex.getMessage());
        }
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (String s : e.shapes) {
            String[] kv = split(s, "shape", "INPUT=1x3x224x224", where);
            shapes.put(kv[0], parseShape(kv[1], "<shape>" + s + "</shape>", where));
        }
        Map<String, Long> dims = new LinkedHashMap<>();
        for (String s : e.dims) {
            String[] kv = split(s, "dim", "SYMBOL=1", where);
            dims.put(kv[0], parseLong(kv[1], "<dim>" + s + "</dim>", where));
        }
        Map<String, Path> constants = new LinkedHashMap<>();
        for (String s : e.constants) {
            String[] kv = split(s, "constant", "INPUT=path/to/tensor.pb", where);
            Path file = baseDir.resolve(kv[1]).normalize();
            if (!Files.isRegularFile(file)) {
                throw new MojoFailureException(where + ": <constant>" + s + "</constant>: file not found: "
                        + FileNames.of(file));
            }
            constants.put(kv[0], file);
        }
        return new ModelJob(model, target, cpu, options, shapes, dims, constants);
    }

    /** Everything Kiln takes for this model; reads the constant tensors. */
    KilnOptions kilnOptions() {
        return KilnOptions.defaults().withTarget(target).withCpu(cpu).withBindings(bindings())
                .withPackage(options.packageName()).withClassName(options.className())
                .withStandalone(options.standalone()).withScalarFallback(options.scalarFallback());
    }

    /** How the compiler's errors write a binding: as the POM setting that fixes it. */
    static final BindingSyntax POM_SYNTAX = new BindingSyntax("<shape>%s=%s</shape>", "<dim>%s=%s</dim>",
            "<constant>%s=%s</constant>");

    /** The bindings for the compiler; reads the constant tensors. */
    InputBindings bindings() {
        InputBindings b = new InputBindings().syntax(POM_SYNTAX);
        shapes.forEach(b::shape);
        dims.forEach(b::dim);
        constantFiles.forEach((input, file) -> b.constant(input, TensorProtos.read(file)));
        return b;
    }

    /** The bindings as command-line flags, for the stamp (without reading the constants). */
    private String compileFlags() {
        List<String> flags = new ArrayList<>();
        shapes.forEach((k, v) -> flags.add("--shape " + k + "=" + String.join("x",
                java.util.Arrays.stream(v).mapToObj(Long::toString).toList())));
        dims.forEach((k, v) -> flags.add("--dim " + k + "=" + v));
        constantFiles.forEach((k, v) -> flags.add("--const " + k + "=" + v.getFileName()));
        return String.join(" ", flags);
    }

    /**
     * What decides the output: Kiln's version, the model's bytes, those of its external data
     * files and of the constants, every option and where the files go. Equal stamps mean the
     * output would be the same.
     */
    String stamp(Path sourceDir, Path resourceDir) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        text(sha, "kiln " + KilnVersion.VERSION);
        text(sha, options.toString());
        text(sha, "--target " + target + " --cpu " + cpu);
        text(sha, compileFlags());
        text(sha, sourceDir.toAbsolutePath() + "\n" + resourceDir.toAbsolutePath());
        bytes(sha, model);
        for (Path data : externalDataFiles()) {
            text(sha, model.getParent().relativize(data).toString());
            bytes(sha, data);
        }
        for (Path c : constantFiles.values()) {
            bytes(sha, c);
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : sha.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static void text(MessageDigest sha, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(b.length).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) ':');
        sha.update(b);
    }

    /** The model's external data files; none if it cannot be read (compiling it then says why). */
    private List<Path> externalDataFiles() {
        try {
            return ExternalDataFiles.of(model);
        } catch (CompileException e) {
            return List.of();
        }
    }

    /** The file's size and bytes, read a megabyte at a time (external data may exceed 2 GB). */
    private static void bytes(MessageDigest sha, Path file) throws IOException {
        sha.update(Long.toString(Files.size(file)).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) ':');
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
            }
        }
    }

    private static <T> T first(T a, T b) {
        return a != null ? a : b;
    }

    /** {@code NAME=VALUE} split at the last '=' (values hold none; ONNX names might). */
    private static String[] split(String s, String element, String example, String where) throws MojoFailureException {
        int eq = s == null ? -1 : s.lastIndexOf('=');
        if (eq <= 0 || eq == s.length() - 1) {
            throw new MojoFailureException(where + ": <" + element + ">" + s + "</" + element + "> is not of the form "
                    + example);
        }
        return new String[] {s.substring(0, eq).trim(), s.substring(eq + 1).trim()};
    }

    private static long[] parseShape(String dims, String setting, String where) throws MojoFailureException {
        String[] parts = dims.split("[x,]", -1);
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = parseLong(parts[i].trim(), setting, where);
        }
        return shape;
    }

    private static long parseLong(String s, String setting, String where) throws MojoFailureException {
        try {
            long v = Long.parseLong(s);
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MojoFailureException(where + ": " + setting + ": '" + s + "' is not a dimension (a whole number >= 0)");
    }
}
