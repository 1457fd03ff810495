package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.kiln.codegen.Backend;
import dev.kiln.codegen.CopiedSource;
import dev.kiln.codegen.Fingerprint;
import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.SourceText;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.Pass;
import dev.kiln.compiler.plan.MemoryPlan;
import dev.kiln.compiler.target.TargetProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
    private final List<String> javacOptions;
    private final List<String> jvmOptions;

    /** One kernel call of an inference. */
    record Step(int index, Node node, String method, CodeBlock arguments, int work, boolean parallel) {
    }

    /**
     * @param id the name {@code --target} takes
     * @param kernels the kernel of each op this back end runs
     * @param javacOptions what javac needs for the output
     * @param jvmOptions what the JVM needs to run it
     */
    public JavaBackend(String id, String description, JavaKernels kernels, List<String> javacOptions,
                       List<String> jvmOptions) {
        this.id = id;
        this.description = description;
        this.kernels = kernels;
        this.javacOptions = List.copyOf(javacOptions);
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The {@code java} back end: plain Java 8 source, scalar loops, for any JVM and Android. */
    public static JavaBackend scalar() {
        return new JavaBackend("java", "plain Java 8 source with scalar loops: any JVM, Android",
                JavaKernels.scalar(), List.of("--release", "8"), List.of());
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

    @Override
    public List<String> javacOptions() {
        return javacOptions;
    }

    @Override
    public List<String> jvmOptions() {
        return jvmOptions;
    }

    @Override
    public List<Pass> passes(TargetProfile profile) {
        return List.of();
    }

    @Override
    public long scratchFloats(Node node, TargetProfile profile) {
        JavaKernel k = kernels.find(node);
        return k == null ? 0 : k.scratchFloats(node, profile);
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
        Map<String, MethodSpec> methodsByKey = new LinkedHashMap<>();
        Map<String, Integer> perOp = new HashMap<>();
        Map<String, List<Node>> users = new HashMap<>();
        List<Step> steps = new ArrayList<>();
        ConstantTables tables = new ConstantTables();
        int largest = 0;
        for (Node node : plan.kernels()) {
            OpDef op = registry.get(node);
            JavaKernel kernel = kernels.find(node);
            KernelWriter w = new KernelWriter(node, op, kernel, compilation.profile(), rt, tables);
            try {
                kernel.emit(w);
            } catch (RuntimeException e) {
                if (e instanceof CompileException) {
                    throw e;
                }
                throw new CompileException(node.describe() + ": cannot generate its kernel: " + e, e);
            }
            MethodSpec.Builder m = MethodSpec.methodBuilder("kernel").addModifiers(Modifier.PRIVATE, Modifier.STATIC);
            List<KernelWriter.Operand> operands = new ArrayList<>(w.inputs());
            operands.addAll(w.outputs());
            for (KernelWriter.Operand o : operands) {
                m.addParameter(JavaTypes.arrayType(o.elementType().storage()), o.array());
                m.addParameter(TypeName.INT, o.offset());
            }
            if (w.hasWorkspace()) {
                m.addParameter(float[].class, "ws").addParameter(TypeName.INT, "wso");
            }
            m.addParameter(TypeName.INT, "lo").addParameter(TypeName.INT, "hi");
            CodeBlock body = w.body();
            String key = m.build().parameters() + "\n" + body;
            largest = Math.max(largest, body.toString().length());
            MethodSpec method = methodsByKey.get(key);
            if (method == null) {
                String base = Character.toLowerCase(node.opType().charAt(0)) + node.opType().substring(1);
                String name = base + "_" + perOp.merge(base, 1, Integer::sum);
                method = m.setName(name).addCode(body).build();
                methodsByKey.put(key, method);
            }
            users.computeIfAbsent(method.name(), k -> new ArrayList<>()).add(node);
            steps.add(new Step(steps.size(), node, method.name(), arguments(operands, w.hasWorkspace(), node, plan), w.work(),
                    w.work() > 1 && w.cost() >= KernelWriter.PARALLEL_MIN_COST));
        }
        List<MethodSpec> methods = new ArrayList<>();
        for (MethodSpec m : methodsByKey.values()) {
            methods.add(m.toBuilder().addJavadoc(kernelDoc(users.get(m.name()))).build());
        }
        String fingerprint = Fingerprint.of(compilation, options, id);
        ModelClass modelClass = new ModelClass(compilation, options, id, rt, fingerprint, steps, methods,
                tables.fields(), tables.decoders());
        Map<String, String> sources = new TreeMap<>();
        String dir = options.packageName().isEmpty() ? "" : options.packageName().replace('.', '/') + "/";
        sources.put(dir + options.className() + ".java", modelClass.render());
        if (options.standalone()) {
            for (String name : Runtime.CLASSES) {
                sources.put(dir + name + ".java", CopiedSource.of(JavaBackend.class, Runtime.PACKAGE, name, options.packageName()));
            }
        }
        return new GeneratedModel(options.packageName(), options.className(), sources, compilation, fingerprint,
                new GeneratedModel.Stats(methods.size(), steps.size(), largest));
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

    private static CodeBlock kernelDoc(List<Node> nodes) {
        Node first = nodes.get(0);
        CodeBlock.Builder b = CodeBlock.builder();
        b.add("$L $L: ", first.opType(), first.name().isEmpty() ? "(unnamed)" : "'" + SourceText.comment(first.name()) + "'");
        List<String> ins = new ArrayList<>();
        for (Value v : first.inputs()) {
            if (v != null) {
                ins.add(v.type().toString());
            }
        }
        List<String> outs = new ArrayList<>();
        for (Value v : first.outputs()) {
            if (v != null) {
                outs.add(v.type().toString());
            }
        }
        b.add("$L -> $L.", String.join(", ", ins), String.join(", ", outs));
        if (nodes.size() > 1) {
            b.add("\nAlso runs $L other node$L of the same shape.", nodes.size() - 1, nodes.size() > 2 ? "s" : "");
        }
        return b.build();
    }

}
