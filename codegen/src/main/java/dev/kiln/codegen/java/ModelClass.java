package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.codegen.GenerateOptions;
import dev.kiln.codegen.SourceText;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.KilnVersion;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.plan.MemoryPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Renders the generated model class: constants describing the model, the
 * weights, {@code load} and {@code run} methods, the per-thread {@code Context}
 * with its activation arenas and step dispatch, and the kernel methods.
 */
final class ModelClass {
    /** Steps per sequence method and per dispatch method, to keep each small. */
    private static final int STEPS_PER_METHOD = 32;

    private final Compilation compilation;
    private final GenerateOptions options;
    private final String backend;
    private final Runtime rt;
    private final String fingerprint;
    private final List<JavaBackend.Step> steps;
    private final List<MethodSpec> kernels;
    private final List<FieldSpec> tables;
    private final List<MethodSpec> tableDecoders;
    /** Float lanes of the vector kernel class, 0 when there is none. */
    private final int vectorLanes;
    private final ClassName self;
    private final ClassName context;
    private final Graph graph;
    private final MemoryPlan plan;
    /** The debug build's additions, or null for the normal build. */
    private final Instrumentation instrumentation;
    private final ModelApi api;

    ModelClass(Compilation compilation, GenerateOptions options, String backend, Runtime rt, String fingerprint,
               List<JavaBackend.Step> steps, List<MethodSpec> kernels, List<FieldSpec> tables,
               List<MethodSpec> tableDecoders, int vectorLanes) {
        this.compilation = compilation;
        this.options = options;
        this.backend = backend;
        this.rt = rt;
        this.fingerprint = fingerprint;
        this.steps = steps;
        this.kernels = kernels;
        this.tables = tables;
        this.tableDecoders = tableDecoders;
        this.vectorLanes = vectorLanes;
        this.self = ClassName.get(options.packageName(), options.className());
        this.context = self.nestedClass("Context");
        this.graph = compilation.model().graph();
        this.plan = compilation.plan();
        this.instrumentation = options.instrumented()
                ? new Instrumentation(steps, graph, plan, context, STEPS_PER_METHOD) : null;
        this.api = new ModelApi(compilation, rt);
    }

    /** The array a location is in, as an expression inside {@code Context}. */
    static String arrayExpression(MemoryPlan.Location l) {
        return switch (l.kind()) {
            case INPUT -> "input" + l.input();
            case CONSTANT -> "weights" + title(l.storage());
            case ARENA -> "arena" + title(l.storage());
        };
    }

    /** The same, from a method of the model class holding the context in {@code c}. */
    private static String arrayFromModel(MemoryPlan.Location l) {
        return l.kind() == MemoryPlan.Kind.CONSTANT ? arrayExpression(l) : "c." + arrayExpression(l);
    }

    private static String title(Storage s) {
        String n = s.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(n.charAt(0)) + n.substring(1);
    }

    String render() {
        TypeSpec.Builder type = TypeSpec.classBuilder(self).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addJavadoc(classDoc());
        api.addConstants(type, fingerprint,
                "Identifies this compile; the weight file must carry the same fingerprint.");
        if (vectorLanes > 0) {
            addVectorChoice(type);
        }
        addFields(type);
        addLoading(type);
        addRunMethods(type);
        type.addMethod(MethodSpec.methodBuilder("setThreads").addModifiers(Modifier.PUBLIC)
                .addJavadoc("Sets how many threads one {@code run} call uses (the caller included). Default: the number\n"
                        + "of available processors. Results are bit-identical for a given thread count.\n")
                .addParameter(TypeName.INT, "threads")
                .beginControlFlow("if (threads < 1)")
                .addStatement("throw new IllegalArgumentException($S + threads)", "thread count must be at least 1, got ")
                .endControlFlow()
                .addStatement("$T old = pool", rt.get("WorkerPool"))
                .addStatement("pool = new $T(threads)", rt.get("WorkerPool"))
                .addStatement("old.close()")
                .build());
        type.addMethod(MethodSpec.methodBuilder("threads").addModifiers(Modifier.PUBLIC).returns(TypeName.INT)
                .addJavadoc("The number of threads one {@code run} call uses.\n")
                .addStatement("return pool.threads()").build());
        if (instrumentation != null) {
            instrumentation.addApi(type);
        }
        addSequence(type);
        type.addType(contextClass());
        for (FieldSpec t : tables) {
            type.addField(t);
        }
        for (MethodSpec d : tableDecoders) {
            type.addMethod(d);
        }
        for (MethodSpec k : kernels) {
            type.addMethod(k);
        }
        JavaFile file = JavaFile.builder(options.packageName(), type.build())
                .addFileComment("$L", header().toString())
                .skipJavaLangImports(true)
                .indent("    ")
                .build();
        return file.toString();
    }

    private CodeBlock header() {
        var model = compilation.model();
        CodeBlock.Builder b = CodeBlock.builder();
        b.add("Generated by Kiln $L. Do not edit: recompile the model instead.\n", KilnVersion.VERSION);
        b.add("Model: $L (SHA-256 $L)\n", SourceText.comment(model.sourceName()), model.sha256());
        b.add("Opset: ai.onnx $L, IR version $L\n", model.onnxOpset(), model.irVersion());
        String flags = compilation.options().describe().isEmpty() ? "" : " " + compilation.options().describe();
        b.add("Options: --target $L --cpu $L$L$L$L$L\n", backend, compilation.profile().name(), SourceText.comment(flags),
                options.standalone() ? " --standalone" : "",
                vectorLanes > 0 && !options.scalarFallback() ? " --no-scalar-fallback" : "",
                options.instrumented() ? " --instrumented" : "");
        b.add("CPU profile: $L", SourceText.comment(compilation.profile().summary()));
        if (vectorLanes > 0) {
            b.add("\nRun with: java --add-modules jdk.incubator.vector$L",
                    options.scalarFallback() ? " (without it, the scalar kernels run)" : "");
        }
        return b.build();
    }

    private CodeBlock classDoc() {
        CodeBlock.Builder b = CodeBlock.builder();
        b.add("The model {@code $L}, compiled by Kiln to plain Java.\n\n", SourceText.comment(compilation.model().sourceName()));
        b.add("<p>Inputs: $L.<br>\nOutputs: $L.\n\n", api.describe(graph.inputs(), false),
                api.describe(graph.outputs(), true));
        b.add("<pre>{@code\n$L model = $L.load();\n", options.className(), options.className());
        if (api.singleFloat()) {
            b.add("float[] result = model.run(input);   // input.length == $L\n", graph.inputs().get(0).type().size());
        } else {
            b.add("Object[] outputs = model.run(input0, input1, ...);\n");
        }
        b.add("}</pre>\n\n");
        b.add("<p>An instance is safe to use from several threads at once: each calling thread gets its own\n");
        b.add("scratch memory. {@link #setThreads(int)} sets the threads one call uses.\n");
        return b.build();
    }

    /**
     * {@code requireRuntime()}: refuses a kiln-runtime-min of another API level with a
     * message naming both versions, before anything could fail with a NoSuchMethodError.
     * The first runtime (API 1) had no KilnRuntime class at all. A vector model compiled
     * without a scalar fallback also refuses a JVM that cannot run its vector kernels.
     */
    private MethodSpec requireRuntime() {
        MethodSpec.Builder b = rt.requireApi(options.className());
        if (vectorLanes > 0 && !options.scalarFallback()) {
            b.beginControlFlow("if (!VECTOR)")
                    .addStatement("throw new IllegalStateException($S + VECTOR_UNAVAILABLE)", options.className()
                            + " was compiled for the Vector API without a scalar fallback, and cannot run here: ")
                    .endControlFlow();
        }
        return b.build();
    }

    /**
     * For a model with vector kernels: whether they run ({@code VECTOR}), why not
     * ({@code VECTOR_UNAVAILABLE}), and {@code kernels()} saying which run.
     */
    private void addVectorChoice(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(String.class, "VECTOR_UNAVAILABLE", Modifier.PRIVATE, Modifier.STATIC,
                Modifier.FINAL).addJavadoc("Why the Vector API kernels cannot run in this JVM, or null when they can.\n")
                .initializer("$T.unavailableReason($L)", rt.get("VectorSupport"), vectorLanes).build());
        type.addField(FieldSpec.builder(TypeName.BOOLEAN, "VECTOR", Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Whether steps run the Vector API kernels of $L (else the scalar ones here).\n",
                        VectorClass.nameFor(options.className()))
                .initializer("VECTOR_UNAVAILABLE == null").build());
        type.addMethod(MethodSpec.methodBuilder("kernels").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(String.class)
                .addJavadoc("Which kernels run in this JVM: the Vector API ones, or the scalar ones and why.\n")
                .addStatement("return VECTOR ? $S : $S + VECTOR_UNAVAILABLE + $S",
                        "vector (" + vectorLanes + " float lanes)", "scalar (the vector kernels cannot run: ", ")")
                .build());
    }

    private void addFields(TypeSpec.Builder type) {
        for (Storage s : Storage.values()) {
            if (plan.constantSizes().containsKey(s)) {
                type.addField(FieldSpec.builder(JavaTypes.arrayType(s), "weights" + title(s), Modifier.PRIVATE,
                        Modifier.FINAL).build());
            }
        }
        type.addField(FieldSpec.builder(rt.get("WorkerPool"), "pool", Modifier.PRIVATE, Modifier.VOLATILE).build());
        TypeName tl = ParameterizedTypeName.get(ClassName.get(ThreadLocal.class), context);
        type.addField(FieldSpec.builder(tl, "contexts", Modifier.PRIVATE, Modifier.FINAL)
                .initializer("new $T()", tl).build());
    }

    private void addLoading(TypeSpec.Builder type) {
        ClassName weightFile = rt.get("WeightFile");
        ClassName weightError = rt.get("WeightFileException");
        MethodSpec.Builder ctor = MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE)
                .addParameter(weightFile, "weights");
        for (Storage s : Storage.values()) {
            Integer n = plan.constantSizes().get(s);
            if (n != null) {
                String reader = switch (s) {
                    case FLOAT -> "floats";
                    case DOUBLE -> "doubles";
                    case LONG -> "longs";
                    case INT -> "ints";
                    case SHORT -> "shorts";
                    case BYTE -> "bytes";
                    case BOOLEAN -> "booleans";
                    case STRING -> "strings";
                };
                ctor.addStatement("weights$L = weights.$L($L)", title(s), reader, n);
            }
        }
        ctor.addStatement("weights.finish()");
        ctor.addStatement("pool = new $T(Math.max(1, Runtime.getRuntime().availableProcessors()))", rt.get("WorkerPool"));
        type.addMethod(ctor.build());
        List<MethodSpec> loads = api.loadFromClasspathAndPath(self, "", "", CodeBlock.of(""));
        type.addMethod(loads.get(0));
        type.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
                .addJavadoc("Loads the weights from a stream (left open), for Android assets and other sources.\n\n")
                .addJavadoc("@throws $T if the data is truncated or belongs to another model\n", weightError)
                .addParameter(java.io.InputStream.class, "in")
                .addStatement("return load(in, $S)", "stream")
                .build());
        type.addMethod(loads.get(1));
        type.addMethod(MethodSpec.methodBuilder("load").addModifiers(Modifier.PRIVATE, Modifier.STATIC).returns(self)
                .addParameter(java.io.InputStream.class, "in").addParameter(String.class, "source")
                .addStatement("requireRuntime()")
                .addStatement("return new $T($T.open(in, source, FINGERPRINT, KILN_VERSION))", self, weightFile)
                .build());
        type.addMethod(requireRuntime());
        type.addMethod(ModelApi.closeQuietly());
    }

    private void addRunMethods(TypeSpec.Builder type) {
        if (api.singleFloat()) {
            type.addMethod(MethodSpec.methodBuilder("run").addModifiers(Modifier.PUBLIC).returns(float[].class)
                    .addJavadoc("Runs the model on {@code input} ($L) and returns a new output array ($L).\n",
                            graph.inputs().get(0).type(), graph.outputs().get(0).type())
                    .addParameter(float[].class, "input")
                    .addStatement("float[] output = new float[OUTPUT_SIZE]")
                    .addStatement("run(input, output)")
                    .addStatement("return output").build());
            MethodSpec.Builder run = MethodSpec.methodBuilder("run").addModifiers(Modifier.PUBLIC)
                    .addJavadoc("Runs the model on {@code input}, writing into {@code output}. Allocates nothing once\n"
                            + "the calling thread has run the model before.\n")
                    .addParameter(float[].class, "input").addParameter(float[].class, "output");
            run.addStatement("checkLength(input, INPUT_SIZE, $S)", "input '" + api.name(0, false) + "' ("
                    + graph.inputs().get(0).type() + ")");
            run.addStatement("checkLength(output, OUTPUT_SIZE, $S)", "output '" + api.name(0, true) + "' ("
                    + graph.outputs().get(0).type() + ")");
            run.addStatement("$T c = context()", context);
            run.addStatement("c.input0 = input");
            run.beginControlFlow("try");
            run.addStatement("execute(c)");
            run.addCode(copyOutput(0, "output"));
            run.nextControlFlow("finally");
            run.addStatement("c.input0 = null");
            run.endControlFlow();
            type.addMethod(run.build());
        }
        MethodSpec.Builder general = MethodSpec.methodBuilder("run").addModifiers(Modifier.PUBLIC).varargs()
                .returns(Object[].class)
                .addJavadoc("Runs the model on every input, in the order of {@link #INPUTS}, and returns every output in\n"
                        + "the order of {@link #OUTPUTS}. Each tensor is a flat Java array: float[], double[], long[],\n"
                        + "int[], short[] (also float16 and bfloat16 bits), byte[], boolean[] or String[].\n")
                .addParameter(Object[].class, "inputs");
        api.checkInputCount(general);
        general.addStatement("$T c = context()", context);
        for (int i = 0; i < graph.inputs().size(); i++) {
            TensorType t = graph.inputs().get(i).type();
            TypeName arr = JavaTypes.arrayType(t.elementType().storage());
            general.beginControlFlow("if (!(inputs[$L] instanceof $T))", i, arr)
                    .addStatement("throw new IllegalArgumentException($S)", "input " + i + " '" + api.name(i, false)
                            + "' must be a " + arr + " (" + t + ")")
                    .endControlFlow();
            general.addStatement("checkLength(($T) inputs[$L], $L, $S)", arr, i, t.size(), "input '" + api.name(i, false)
                    + "' (" + t + ")");
        }
        general.addStatement("Object[] outputs = new Object[$L]", graph.outputs().size());
        for (int i = 0; i < graph.inputs().size(); i++) {
            TypeName arr = JavaTypes.arrayType(graph.inputs().get(i).type().elementType().storage());
            general.addStatement("c.input$L = ($T) inputs[$L]", i, arr, i);
        }
        general.beginControlFlow("try");
        general.addStatement("execute(c)");
        for (int i = 0; i < graph.outputs().size(); i++) {
            TensorType t = graph.outputs().get(i).type();
            String storage = t.elementType().storage().javaType();
            general.addStatement("$L[] output$L = new $L[$L]", storage, i, storage, t.size());
            general.addCode(copyOutput(i, "output" + i));
            general.addStatement("outputs[$L] = output$L", i, i);
        }
        general.nextControlFlow("finally");
        for (int i = 0; i < graph.inputs().size(); i++) {
            general.addStatement("c.input$L = null", i);
        }
        general.endControlFlow();
        general.addStatement("return outputs");
        type.addMethod(general.build());
        type.addMethod(MethodSpec.methodBuilder("checkLength").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(Object.class, "array").addParameter(TypeName.INT, "expected").addParameter(String.class, "what")
                .beginControlFlow("if (array == null)")
                .addStatement("throw new IllegalArgumentException(what + $S)", " must not be null")
                .endControlFlow()
                .addStatement("int length = java.lang.reflect.Array.getLength(array)")
                .beginControlFlow("if (length != expected)")
                .addStatement("throw new IllegalArgumentException(what + $S + expected + $S + length)",
                        " needs an array of ", " elements, got ")
                .endControlFlow()
                .build());
        type.addMethod(MethodSpec.methodBuilder("context").addModifiers(Modifier.PRIVATE).returns(context)
                .addStatement("$T c = contexts.get()", context)
                .beginControlFlow("if (c == null)")
                .addStatement("c = new $T()", context)
                .addStatement("contexts.set(c)")
                .endControlFlow()
                .addStatement("return c").build());
    }

    /** Copies graph output {@code i} into the array named {@code target}. */
    private CodeBlock copyOutput(int i, String target) {
        Value v = graph.outputs().get(i);
        MemoryPlan.Location l = plan.location(v);
        return CodeBlock.builder().addStatement("System.arraycopy($L, $L, $L, 0, $L)", arrayFromModel(l), l.offset(),
                target, v.type().size()).build();
    }

    /** {@code execute} and the step sequence methods. */
    private void addSequence(TypeSpec.Builder type) {
        MethodSpec.Builder execute = MethodSpec.methodBuilder("execute").addModifiers(Modifier.PRIVATE)
                .addParameter(context, "c")
                .addStatement("$T p = pool", rt.get("WorkerPool"));
        if (plan.scratchPerPart() > 0) {
            execute.addStatement("c.reserveWorkspace(p.threads())");
            type.addField(FieldSpec.builder(TypeName.INT, "SCRATCH_PER_PART", Modifier.PRIVATE, Modifier.STATIC,
                    Modifier.FINAL).addJavadoc("Floats of scratch memory one part of a step may use.\n")
                    .initializer("$L", plan.scratchPerPart()).build());
        }
        for (int chunk = 0; chunk * STEPS_PER_METHOD < steps.size(); chunk++) {
            execute.addStatement("steps$L(c, p)", chunk);
            int from = chunk * STEPS_PER_METHOD;
            int to = Math.min(steps.size(), from + STEPS_PER_METHOD);
            MethodSpec.Builder m = MethodSpec.methodBuilder("steps" + chunk)
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .addJavadoc("Steps $L to $L of an inference.\n", from, to - 1)
                    .addParameter(context, "c").addParameter(rt.get("WorkerPool"), "p");
            if (instrumentation != null) {
                instrumentation.startSequence(m);
            }
            for (JavaBackend.Step s : steps.subList(from, to)) {
                m.addComment("$L", stepComment(s));
                CodeBlock call = s.vector() == null ? CodeBlock.builder().addStatement(run(s.index(), s.scalar())).build()
                        : CodeBlock.of("if (VECTOR) $L; else $L;\n", run(s.index(), s.vector()), run(s.index(), s.scalar()));
                m.addCode(instrumentation == null ? call : instrumentation.timed(s.index(), call));
            }
            type.addMethod(m.build());
        }
        type.addMethod(execute.build());
    }

    /** Runs a step's work over the pool, or on the calling thread when it is too small to split. */
    private static CodeBlock run(int step, JavaBackend.Call call) {
        return call.parallel() ? CodeBlock.of("p.parallelFor(c, $L, $L)", step, call.work())
                : CodeBlock.of("c.runRange($L, 0, 0, $L)", step, call.work());
    }

    /** {@code 3: dev.kiln.FusedConv '/stem/Conv' -> float[1,112,112,8]}: the step and the node it runs. */
    static String stepComment(JavaBackend.Step s) {
        Node n = s.node();
        List<String> outs = new ArrayList<>();
        for (Value v : n.outputs()) {
            if (v != null) {
                outs.add(v.type().toString());
            }
        }
        return s.index() + ": " + n.qualifiedOpType() + " "
                + (n.name().isEmpty() ? "" : "'" + SourceText.comment(n.name()) + "' ") + "-> " + String.join(", ", outs);
    }

    private TypeSpec contextClass() {
        TypeSpec.Builder c = TypeSpec.classBuilder("Context").addModifiers(Modifier.PRIVATE, Modifier.FINAL)
                .addSuperinterface(rt.get("RangeTask"))
                .addJavadoc("What one calling thread needs: its activation arenas and the current inputs.\n");
        for (Map.Entry<Storage, Integer> e : plan.arenaSizes().entrySet()) {
            c.addField(FieldSpec.builder(JavaTypes.arrayType(e.getKey()), "arena" + title(e.getKey()), Modifier.FINAL)
                    .initializer("new $L[$L]", e.getKey().javaType(), e.getValue()).build());
        }
        for (int i = 0; i < graph.inputs().size(); i++) {
            c.addField(JavaTypes.arrayType(graph.inputs().get(i).type().elementType().storage()), "input" + i);
        }
        if (plan.scratchPerPart() > 0) {
            c.addField(FieldSpec.builder(float[].class, "workspace")
                    .addJavadoc("Scratch memory: part p of a step owns SCRATCH_PER_PART floats from p * SCRATCH_PER_PART.\n")
                    .initializer("new float[0]").build());
            c.addMethod(MethodSpec.methodBuilder("reserveWorkspace")
                    .addJavadoc("Makes room for {@code parts} parts; allocates only when the thread count grew.\n")
                    .addParameter(TypeName.INT, "parts")
                    .beginControlFlow("if (workspace.length < parts * SCRATCH_PER_PART)")
                    .addStatement("workspace = new float[parts * SCRATCH_PER_PART]")
                    .endControlFlow()
                    .build());
        }
        MethodSpec.Builder dispatch = MethodSpec.methodBuilder("runRange").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(TypeName.INT, "step").addParameter(TypeName.INT, "part")
                .addParameter(TypeName.INT, "lo").addParameter(TypeName.INT, "hi")
                .beginControlFlow("switch (step / $L)", STEPS_PER_METHOD);
        for (int chunk = 0; chunk * STEPS_PER_METHOD < steps.size(); chunk++) {
            dispatch.addStatement("case $L: range$L(step, part, lo, hi); break", chunk, chunk);
            int from = chunk * STEPS_PER_METHOD;
            int to = Math.min(steps.size(), from + STEPS_PER_METHOD);
            MethodSpec.Builder m = MethodSpec.methodBuilder("range" + chunk).addModifiers(Modifier.PRIVATE)
                    .addParameter(TypeName.INT, "step").addParameter(TypeName.INT, "part")
                    .addParameter(TypeName.INT, "lo").addParameter(TypeName.INT, "hi")
                    .beginControlFlow("switch (step)");
            for (JavaBackend.Step s : steps.subList(from, to)) {
                if (s.vector() == null) {
                    m.addStatement("case $L: $L($L); break", s.index(), s.scalar().method(), s.scalar().arguments());
                } else {
                    m.addStatement("case $L: if (VECTOR) $L.$L($L); else $L($L); break", s.index(),
                            VectorClass.nameFor(options.className()), s.vector().method(), s.vector().arguments(),
                            s.scalar().method(), s.scalar().arguments());
                }
            }
            m.addStatement("default: throw new IllegalArgumentException($S + step)", "no step ");
            m.endControlFlow();
            c.addMethod(m.build());
        }
        dispatch.addStatement("default: throw new IllegalArgumentException($S + step)", "no step ");
        dispatch.endControlFlow();
        c.addMethod(dispatch.build());
        if (instrumentation != null) {
            instrumentation.addToContext(c);
        }
        return c.build();
    }
}
