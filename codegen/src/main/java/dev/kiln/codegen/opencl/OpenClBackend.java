package dev.kiln.codegen.opencl;

import dev.kiln.codegen.Backend;
import dev.kiln.codegen.CopiedSource;
import dev.kiln.codegen.Fingerprint;
import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.java.Runtime;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.Pass;
import dev.kiln.compiler.plan.MemoryPlan;
import dev.kiln.compiler.target.TargetProfile;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code opencl} back end: OpenCL C kernels specialised to the model's shapes, in
 * a {@code .cl} resource beside a Java 8 host class that runs them through JOCL. It
 * shares the passes, the memory plan (one device buffer per arena, one per weight
 * array) and the weight file with the Java back ends; identical kernels are written
 * once. The host class needs JOCL ({@code org.jocl:jocl}) and kiln-runtime-min.
 */
public final class OpenClBackend implements Backend {
    /** The JOCL class whose jar the host class compiles against. */
    static final String JOCL_CLASS = "org.jocl.CL";
    /** The host support classes copied into the generated package. */
    static final String HOST_PACKAGE = "dev.kiln.codegen.opencl.host";
    static final String[] HOST_CLASSES = {"OpenClSession", "OpenClException"};

    private final ClKernels kernels = new ClKernels();

    /** One kernel launch of an inference. */
    record Step(int index, Node node, String kernel, List<String> arguments, long[] global, long[] local,
                String errorMessage) {
    }

    /** One kernel of the program and the nodes it runs. */
    record Kernel(String name, String signature, String body, long[] local, List<Node> nodes) {
    }

    @Override
    public String id() {
        return "opencl";
    }

    @Override
    public String description() {
        return "OpenCL C 1.2 kernels with a Java 8 host class (JOCL), for GPUs or CPUs (PoCL); no string tensors";
    }

    @Override
    public boolean hasKernel(String domain, String op) {
        return kernels.has(domain, op);
    }

    /** OpenCL holds no strings: a node with a string tensor cannot run here. */
    @Override
    public boolean supports(Node node) {
        if (!hasKernel(node.domain(), node.opType())) {
            return false;
        }
        for (Value v : node.inputs()) {
            if (v != null && v.type() != null && !ClTypes.holds(v.type().elementType())) {
                return false;
            }
        }
        for (Value v : node.outputs()) {
            if (v != null && v.type() != null && !ClTypes.holds(v.type().elementType())) {
                return false;
            }
        }
        return true;
    }

    /** Java 8 for the host class, and JOCL's jar on the class path (found on Kiln's own). */
    @Override
    public List<String> javacOptions() {
        return List.of("--release", "8", "-classpath", joclJar().toString());
    }

    @Override
    public List<String> jvmOptions() {
        return List.of();
    }

    @Override
    public List<Pass> passes(TargetProfile profile) {
        return List.of();
    }

    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        return 0;
    }

    @Override
    public GeneratedModel generate(Compilation compilation, GenerateOptions options) {
        if (!compilation.options().target().id().equals(id())) {
            throw new IllegalArgumentException("the compilation was prepared for target '"
                    + compilation.options().target().id() + "', not '" + id() + "'");
        }
        if (options.instrumented()) {
            // The debug build times and exposes the steps of a Java class; the host class enqueues
            // kernels on a device, where neither is written yet.
            throw new CompileException("the debug build (--instrumented, bench --profile, verify --all-layers) "
                    + "exists for the java and vector targets only, not for opencl");
        }
        MemoryPlan plan = compilation.plan();
        requireNoStrings(compilation);
        requireKernels(plan.kernels());
        OpRegistry registry = OpRegistry.standard();
        Map<String, Kernel> byKey = new LinkedHashMap<>();
        Map<String, Integer> perOp = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        for (Node node : plan.kernels()) {
            ClKernel kernel = kernels.find(node);
            ClKernelWriter w = new ClKernelWriter(node, registry.get(node), kernel);
            try {
                kernel.emit(w);
            } catch (RuntimeException e) {
                if (e instanceof CompileException) {
                    throw e;
                }
                throw new CompileException(node.describe() + ": cannot generate its kernel: " + e, e);
            }
            if (!w.runs()) {
                continue; // an empty output: nothing to compute
            }
            List<ClKernelWriter.Operand> operands = new ArrayList<>(w.inputs());
            operands.addAll(w.outputs());
            List<String> parameters = new ArrayList<>();
            List<String> arguments = new ArrayList<>();
            for (ClKernelWriter.Operand o : operands) {
                parameters.add(o.parameters());
                MemoryPlan.Location l = plan.location(o.output() ? node.output(o.index()) : node.input(o.index()));
                arguments.add(HostClass.buffer(l));
                arguments.add(Integer.toString(l.offset()));
            }
            if (w.errorMessage() != null) {
                parameters.add("__global int* error, int erroro");
                arguments.add("errors");
                arguments.add(Integer.toString((int) steps.stream().filter(s -> s.errorMessage() != null).count()));
            }
            String signature = String.join(", ", parameters);
            String body = ClProgram.indent(w.body().toString());
            String key = signature + "\n" + body + "\n" + java.util.Arrays.toString(w.local());
            Kernel k = byKey.get(key);
            if (k == null) {
                String base = Character.toLowerCase(node.opType().charAt(0)) + node.opType().substring(1);
                k = new Kernel(base + "_" + perOp.merge(base, 1, Integer::sum), signature, body, w.local(), new ArrayList<>());
                byKey.put(key, k);
            }
            k.nodes().add(node);
            steps.add(new Step(steps.size(), node, k.name(), arguments, w.global(), w.local(), w.errorMessage()));
        }
        String fingerprint = Fingerprint.of(compilation, options, id());
        boolean doubles = usesDoubles(plan);
        Map<String, String> sources = new TreeMap<>();
        String dir = options.packageName().isEmpty() ? "" : options.packageName().replace('.', '/') + "/";
        sources.put(dir + options.className() + ".cl",
                new ClProgram(compilation, options, fingerprint, doubles, List.copyOf(byKey.values())).render());
        HostClass host = new HostClass(compilation, options, fingerprint, doubles, steps);
        sources.put(dir + options.className() + ".java", host.render());
        for (String name : HOST_CLASSES) {
            sources.put(dir + name + ".java", CopiedSource.of(OpenClBackend.class, HOST_PACKAGE, name, options.packageName()));
        }
        if (options.standalone()) {
            for (String name : Runtime.CLASSES) {
                sources.put(dir + name + ".java", CopiedSource.of(OpenClBackend.class, Runtime.PACKAGE, name,
                        options.packageName()));
            }
        }
        int largest = byKey.values().stream().mapToInt(k -> k.body().length()).max().orElse(0);
        return new GeneratedModel(options.packageName(), options.className(), sources, compilation, fingerprint,
                new GeneratedModel.Stats(byKey.size(), steps.size(), largest));
    }

    /** Graph inputs, outputs and constants of type string cannot live on a device. */
    private static void requireNoStrings(Compilation c) {
        List<Value> values = new ArrayList<>(c.model().graph().inputs());
        values.addAll(c.model().graph().outputs());
        for (Value v : values) {
            if (!ClTypes.holds(v.type().elementType())) {
                throw new CompileException("the opencl back end cannot hold " + v.type().elementType().onnxName()
                        + " tensors: '" + v.name() + "' is " + v.type());
            }
        }
    }

    /** Whether any value the device holds is a double: the program then needs cl_khr_fp64. */
    private static boolean usesDoubles(MemoryPlan plan) {
        for (Node n : plan.kernels()) {
            for (Value v : n.inputs()) {
                if (v != null && v.type().elementType() == dev.kiln.compiler.ir.ElementType.DOUBLE) {
                    return true;
                }
            }
            for (Value v : n.outputs()) {
                if (v != null && v.type().elementType() == dev.kiln.compiler.ir.ElementType.DOUBLE) {
                    return true;
                }
            }
        }
        return false;
    }

    /** JOCL's jar, which the host class compiles against. */
    private static Path joclJar() {
        try {
            Class<?> cl = Class.forName(JOCL_CLASS, false, OpenClBackend.class.getClassLoader());
            return Path.of(cl.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiling the opencl back end's host class needs JOCL (org.jocl:jocl:2.0.5)"
                    + " on Kiln's class path", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
