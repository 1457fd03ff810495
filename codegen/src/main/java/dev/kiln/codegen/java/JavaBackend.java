package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.kiln.codegen.Backend;
import dev.kiln.codegen.CopiedSource;
import dev.kiln.codegen.Fingerprint;
import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.ChooseLayout;
import dev.kiln.compiler.passes.PackWeights;
import dev.kiln.compiler.passes.Pass;
import dev.kiln.compiler.plan.MemoryPlan;
import dev.kiln.compiler.target.TargetProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.element.Modifier;

/**
 * A back end that writes Java: one source file per model, with one static method
 * per distinct kernel (identical nodes share one), a step list that calls them in
 * order, and the public API of DESIGN.md's generated-code contract. Which kernel
 * writes each op is its kernel table; the {@code java} back end is this class with
 * the scalar kernels.
 */
public final class JavaBackend implements Backend {
    private final String id;
    private final String description;
    private final JavaKernels kernels;
    private final JavaKernels vectorKernels;
    private final List<String> javacOptions;
    private final List<String> jvmOptions;

    /**
     * One kernel call of an inference: the scalar kernel, and where the back end has
     * one, the vector kernel that runs instead when the JVM can run it.
     */
    record Step(int index, Node node, Call scalar, Call vector) {
    }

    /**
     * How a step calls one kernel method.
     *
     * @param work the items its work splits into ({@code [lo, hi)} ranges over them)
     * @param parallel whether the step is worth splitting over threads
     */
    record Call(String method, CodeBlock arguments, int work, boolean parallel) {
    }

    private static Call call(KernelMethods.Emitted e, Node node, MemoryPlan plan) {
        return new Call(e.method(), arguments(e.operands(), e.workspace(), node, plan), e.work(),
                e.work() > 1 && e.cost() >= KernelWriter.PARALLEL_MIN_COST);
    }

    /**
     * @param id the name {@code --target} takes
     * @param kernels the scalar kernel of each op this back end runs
     * @param vectorKernels Vector API kernels for the ops that have one, emitted into a class of
     *     their own that runs instead of the scalar ones where the JVM can run it; null for none
     * @param javacOptions what javac needs for the output
     * @param jvmOptions what the JVM needs to run it
     */
    public JavaBackend(String id, String description, JavaKernels kernels, JavaKernels vectorKernels,
                       List<String> javacOptions, List<String> jvmOptions) {
        this.id = id;
        this.description = description;
        this.kernels = kernels;
        this.vectorKernels = vectorKernels;
        this.javacOptions = List.copyOf(javacOptions);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The {@code java} back end: plain Java 8 source, scalar loops, for any JVM and Android. */
    public static JavaBackend scalar() {
        return new JavaBackend("java", "plain Java 8 source with scalar loops: any JVM, Android",
                JavaKernels.scalar(), null, List.of("--release", "8"), List.of());
    }

    /**
     * The {@code vector} back end: the java back end plus Vector API kernels for the ops
     * that matter, in a class of their own (JDK 17+, {@code --add-modules jdk.incubator.vector}).
     */
    public static JavaBackend vector() {
        List<String> module = List.of("--add-modules", "jdk.incubator.vector");
        List<String> javac = new ArrayList<>(List.of("--release", "17"));
        javac.addAll(module);
        return new JavaBackend("vector", "Java 17 with the Vector API (jdk.incubator.vector) for the hot kernels, "
                + "scalar Java for the rest", JavaKernels.scalar(), JavaKernels.vector(), javac, module);
    }

    /** The vector kernel for {@code node}, or null where it runs the scalar one only. */
    private JavaKernel vectorKernel(Node node) {
        JavaKernel k = vectorKernels == null ? null : vectorKernels.find(node);
        return k != null && k.handles(node) ? k : null;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean hasKernel(String domain, String op) {
        return kernels.has(domain, op);
    }

    /**
     * "vector kernel (float, one group)" where a Vector API kernel runs some of the op's nodes (which,
     * in its {@link JavaKernel#vectorScope}), else "kernel".
     */
    @Override
    public String kernelKind(String domain, String op) {
        JavaKernel v = vectorKernels == null ? null : vectorKernels.find(domain, op);
        if (v != null) {
            return "vector kernel (" + v.vectorScope(op) + ")";
        }
        return hasKernel(domain, op) ? "kernel" : null;
    }

    /**
     * {@code vector: VectorFusedConvKernel} where a Vector API kernel runs the node (the scalar one
     * runs instead in a JVM that cannot run it), else {@code scalar: ConvKernel}.
     */
    @Override
    public String kernelOf(Node node) {
        JavaKernel v = vectorKernel(node);
        if (v != null) {
            return "vector: " + v.getClass().getSimpleName();
        }
        JavaKernel s = kernels.find(node);
        return s == null ? null : "scalar: " + s.getClass().getSimpleName();
    }

    @Override
    public List<String> javacOptions() {
        return javacOptions;
    }

    @Override
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    /**
     * choose-layout (channels-last where the profile prefers it) and pack-weights: one panel of
     * all output channels for the scalar kernels' long inner loops, or, with vector kernels, panels
     * of two vectors, the width of their register tile.
     */
    @Override
    public List<Pass> passes(TargetProfile profile) {
        int panel = vectorKernels == null ? 0 : 2 * profile.vectorFloats();
        return List.of(new ChooseLayout(profile), new PackWeights(panel));
    }

    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        JavaKernel k = kernels.find(node);
        JavaKernel v = vectorKernel(node);
        return Math.max(k == null ? 0 : k.scratchFloats(node, profile), v == null ? 0 : v.scratchFloats(node, profile));
    }

    /** Emits {@code compilation} as Java source. */
    @Override
    public GeneratedModel generate(Compilation compilation, GenerateOptions options) {
        if (!compilation.options().target().id().equals(id)) {
            throw new IllegalArgumentException("the compilation was prepared for target '"
                    + compilation.options().target().id() + "', not '" + id + "'");
        }
        MemoryPlan plan = compilation.plan();
        String runtimePackage = options.standalone() ? options.packageName() : Runtime.PACKAGE;
        Runtime rt = new Runtime(runtimePackage);
        requireKernels(plan.kernels());
        OpRegistry registry = OpRegistry.standard();
        ConstantTables tables = new ConstantTables();
        HelperMethods modelHelpers = new HelperMethods();
        KernelWriter.ClassContext inModel = new KernelWriter.ClassContext(rt, tables, "", false, modelHelpers);
        HelperMethods vectorClassHelpers = new HelperMethods();
        KernelWriter.ClassContext inVectorClass = new KernelWriter.ClassContext(rt, tables, options.className() + ".",
                true, vectorClassHelpers);
        KernelMethods scalar = new KernelMethods(Modifier.PRIVATE);
        KernelMethods vector = new KernelMethods(null);
        List<Step> steps = new ArrayList<>();
        for (Node node : plan.kernels()) {
            OpDef op = registry.get(node);
            JavaKernel sk = kernels.find(node);
            KernelMethods.Emitted s = scalar.emit(new KernelWriter(node, op, sk, compilation.profile(), inModel), sk);
            JavaKernel vk = vectorKernel(node);
            KernelMethods.Emitted v = vk == null ? null
                    : vector.emit(new KernelWriter(node, op, vk, compilation.profile(), inVectorClass), vk);
            steps.add(new Step(steps.size(), node, call(s, node, plan), v == null ? null : call(v, node, plan)));
        }
        String fingerprint = Fingerprint.of(compilation, options, id);
        List<MethodSpec> scalarMethods = new ArrayList<>(scalar.methods());
        scalarMethods.addAll(modelHelpers.methods());
        ModelClass modelClass = new ModelClass(compilation, options, id, rt, fingerprint, steps, scalarMethods,
                tables.fields(), tables.decoders(), vectorKernels == null ? 0 : compilation.profile().vectorFloats());
        Map<String, String> sources = new TreeMap<>();
        String dir = options.packageName().isEmpty() ? "" : options.packageName().replace('.', '/') + "/";
        sources.put(dir + options.className() + ".java", modelClass.render());
        if (vectorKernels != null) {
            List<MethodSpec> vectorMethods = new ArrayList<>(vector.methods());
            vectorMethods.addAll(vectorClassHelpers.methods());
            VectorClass vectorClass = new VectorClass(compilation, options, compilation.profile().vectorFloats(),
                    vectorMethods);
            sources.put(dir + vectorClass.name() + ".java", vectorClass.render());
        }
        if (options.standalone()) {
            for (String name : Runtime.CLASSES) {
                sources.put(dir + name + ".java", CopiedSource.of(JavaBackend.class, Runtime.PACKAGE, name, options.packageName()));
            }
        }
        return new GeneratedModel(options.packageName(), options.className(), sources, compilation, fingerprint,
                new GeneratedModel.Stats(scalar.size() + vector.size(), steps.size(),
                        Math.max(scalar.largestBody(), vector.largestBody())));
    }

    /** The call arguments: each operand's array and offset, the part's workspace slice if any, the range. */
    private static CodeBlock arguments(List<KernelWriter.Operand> operands, boolean workspace, Node node,
                                       MemoryPlan plan) {
        CodeBlock.Builder b = CodeBlock.builder();
        for (KernelWriter.Operand o : operands) {
            Value v = o.output() ? node.output(o.index()) : node.input(o.index());
            MemoryPlan.Location l = plan.location(v);
            b.add("$L, $L, ", ModelClass.arrayExpression(l), l.offset());
        }
        if (workspace) {
            b.add("workspace, part * SCRATCH_PER_PART, ");
        }
        return b.add("lo, hi").build();
    }

}
