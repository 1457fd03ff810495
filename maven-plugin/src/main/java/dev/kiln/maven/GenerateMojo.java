package dev.kiln.maven;

import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Kiln;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.FileNames;
import dev.kiln.report.CompileReport;
import dev.kiln.report.HtmlReport;
import dev.kiln.report.LayerTimings;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.model.Resource;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * Compiles ONNX models to Java source: the class goes to {@code outputDirectory} (a
 * compile source root), its weight file to {@code resourceDirectory} (a resource
 * directory), so the weights land on the classpath beside the class, where
 * {@code load()} looks for them. Unchanged models are not compiled again.
 */
@Mojo(name = "generate", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class GenerateMojo extends AbstractMojo {
    /** The model file of a single model (.onnx, or .onnxtxt in ONNX's text syntax), relative to the project directory. */
    @Parameter
    private String model;

    /** The generated class's package; also the default for {@code <models>} entries. */
    @Parameter
    private String packageName;

    /** The generated class's simple name; default: the model file's name in UpperCamelCase. */
    @Parameter
    private String className;

    /** Input shapes, {@code INPUT=1x3x224x224}. */
    @Parameter
    private List<String> shapes;

    /** Values of symbolic dimensions, {@code SYMBOL=1}. */
    @Parameter
    private List<String> dims;

    /** Inputs that become constants, {@code INPUT=path/to/tensor.pb}. */
    @Parameter
    private List<String> constants;

    /** Copy the runtime classes into the package, so the output needs only a JDK; also the entries' default. */
    @Parameter
    private Boolean standalone;

    /**
     * With the {@code vector} back end: whether a JVM that cannot run the Vector API kernels runs the
     * scalar kernels emitted alongside (true, the default) or refuses to load the model; also the entries' default.
     */
    @Parameter
    private Boolean scalarFallback;

    /** The back end ({@code java} or {@code vector}); also the entries' default. */
    @Parameter
    private String target;

    /**
     * The CPU profile the code is shaped for: {@code generic}, {@code x86-64-v3} (the default),
     * {@code x86-64-v4}, {@code neon}, or {@code native} (the build machine); also the entries' default.
     */
    @Parameter
    private String cpu;

    /** Several models, each with the settings above. */
    @Parameter
    private List<ModelEntry> models;

    /** Where the generated sources go; added as a compile source root. */
    @Parameter(defaultValue = "${project.build.directory}/generated-sources/kiln", required = true)
    private File outputDirectory;

    /** Where the weight files go; added as a resource directory. */
    @Parameter(defaultValue = "${project.build.directory}/generated-resources/kiln", required = true)
    private File resourceDirectory;

    /** Also write each model's compile report, {@code reportDirectory/<qualified class name>.html}. */
    @Parameter(property = "kiln.report", defaultValue = "false")
    private boolean report;

    /** Where the compile reports go. */
    @Parameter(defaultValue = "${project.build.directory}/kiln", required = true)
    private File reportDirectory;

    /** Do nothing. */
    @Parameter(property = "kiln.skip", defaultValue = "false")
    private boolean skip;

    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    private MavenProject project;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    private MojoExecution execution;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Kiln: skipping (kiln.skip)");
            return;
        }
        Path sourceDir = outputDirectory.toPath().toAbsolutePath().normalize();
        Path resourceDir = resourceDirectory.toPath().toAbsolutePath().normalize();
        Map<String, ModelJob> jobs = jobs();
        // Each execution keeps its own records, so two executions never remove each other's output.
        Stamps stamps = new Stamps(Path.of(project.getBuild().getDirectory(), "kiln-stamps", execution.getExecutionId()),
                sourceDir, resourceDir);
        try {
            for (String removed : stamps.removeAllBut(jobs.keySet())) {
                getLog().info("Kiln: removed " + removed + ", no longer configured");
            }
            for (Map.Entry<String, ModelJob> e : jobs.entrySet()) {
                generate(e.getKey(), e.getValue(), stamps, sourceDir, resourceDir);
            }
        } catch (IOException e) {
            throw new MojoExecutionException("Kiln: " + FileNames.reason(e, null), e);
        } catch (UncheckedIOException e) {
            throw new MojoExecutionException("Kiln: " + e.getMessage(), e);
        }
        warnIfRuntimeMissing(jobs.values());
        project.addCompileSourceRoot(sourceDir.toString());
        addResourceDirectory(resourceDir);
    }

    /** The configured models by qualified class name, checked. */
    private Map<String, ModelJob> jobs() throws MojoFailureException {
        ModelEntry top = new ModelEntry(model, packageName, className, target, cpu, standalone, scalarFallback, shapes, dims,
                constants);
        List<ModelEntry> entries = new ArrayList<>();
        if (model != null) {
            entries.add(top);
        }
        if (models != null) {
            entries.addAll(models);
        }
        if (entries.isEmpty()) {
            throw new MojoFailureException("Kiln: no model configured: set <model> or <models>");
        }
        Map<String, ModelJob> jobs = new LinkedHashMap<>();
        Path baseDir = project.getBasedir().toPath();
        for (ModelEntry entry : entries) {
            ModelJob job = ModelJob.of(entry, baseDir, top);
            String name = qualifiedName(job);
            ModelJob other = jobs.put(name, job);
            if (other != null) {
                throw new MojoFailureException("Kiln: " + FileNames.of(other.model()) + " and " + FileNames.of(job.model())
                        + " would both generate " + name + "; give one a different <className> or <packageName>");
            }
        }
        return jobs;
    }

    private void generate(String name, ModelJob job, Stamps stamps, Path sourceDir, Path resourceDir)
            throws IOException, MojoFailureException, MojoExecutionException {
        String stamp = job.stamp(sourceDir, resourceDir);
        if (stamps.upToDate(name, stamp)) {
            getLog().info("Kiln: " + name + " is up to date");
            writeReport(name, job, false);
            return;
        }
        // The old record stays until the new output is written: if compiling fails, its stamp
        // still differs next time, and removing the model from the POM still deletes its files.
        List<Path> previous = stamps.files(name);
        GeneratedModel generated;
        List<Path> written;
        try {
            generated = Kiln.compile(job.model(), job.kilnOptions());
            written = generated.writeTo(sourceDir, resourceDir);
        } catch (CompileException e) {
            // The message names the model file, and the settings in the POM's syntax (ModelJob.bindings).
            throw new MojoFailureException("Kiln: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            // The compile's arrays were reachable only from the frames just left, so there is room again.
            throw new MojoExecutionException("Kiln: " + display(job.model()) + ": out of memory compiling (Maven's heap "
                    + "is at most " + (Runtime.getRuntime().maxMemory() >> 20) + " MB; Kiln needs about twice the model's "
                    + "weights); give Maven more with -Xmx, e.g. MAVEN_OPTS=-Xmx8g or a line -Xmx8g in .mvn/jvm.config", e);
        } catch (UncheckedIOException e) {
            throw e; // a write error, which execute() reports with its reason
        } catch (RuntimeException e) {
            throw new MojoExecutionException("Kiln: internal error compiling " + job.model() + ": " + e, e);
        }
        stamps.write(name, stamp, written);
        // Files of the previous output that this one does not have (standalone switched off, say).
        previous.removeAll(written);
        stamps.deleteUnlisted(previous);
        getLog().info("Kiln: generated " + name + " from " + display(job.model()) + " ("
                + generated.sources().size() + " source file(s), " + generated.weightBytes() + " bytes of weights)");
        writeReport(name, job, true);
    }

    /** With {@code <report>}: writes the model's compile report if it changed or is missing. */
    private void writeReport(String name, ModelJob job, boolean changed) throws MojoExecutionException {
        Path file = reportDirectory.toPath().resolve(name + ".html");
        if (!report || !changed && Files.isRegularFile(file)) {
            return;
        }
        try {
            HtmlReport.write(CompileReport.build(job.model(), job.kilnOptions(), LayerTimings.NONE), file);
        } catch (RuntimeException e) {
            throw new MojoExecutionException("Kiln: cannot write the compile report of " + job.model() + ": " + e, e);
        }
        getLog().info("Kiln: wrote the compile report " + display(file));
    }

    /** Saves a puzzling "package dev.kiln.runtime does not exist" from the compiler. */
    private void warnIfRuntimeMissing(Collection<ModelJob> jobs) {
        boolean needed = jobs.stream().anyMatch(j -> !j.options().standalone());
        boolean declared = project.getDependencies().stream()
                .anyMatch(d -> "dev.kiln".equals(d.getGroupId()) && "kiln-runtime-min".equals(d.getArtifactId()));
        if (needed && !declared) {
            getLog().warn("Kiln: the generated classes need the dependency dev.kiln:kiln-runtime-min"
                    + " (or <standalone>true</standalone>, which copies the runtime classes into the package)");
        }
    }

    /** A path relative to the project if it is inside it, else absolute. */
    private String display(Path file) {
        Path base = project.getBasedir().toPath().toAbsolutePath().normalize();
        return file.startsWith(base) ? base.relativize(file).toString() : file.toString();
    }

    private static String qualifiedName(ModelJob job) {
        String p = job.options().packageName();
        return p.isEmpty() ? job.options().className() : p + "." + job.options().className();
    }

    private void addResourceDirectory(Path dir) {
        String path = dir.toString();
        for (Resource r : project.getResources()) {
            if (path.equals(r.getDirectory())) {
                return;
            }
        }
        Resource resource = new Resource();
        resource.setDirectory(path);
        project.addResource(resource);
    }
}
