package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.plan.MemoryPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.lang.model.element.Modifier;

/**
 * The debug build's additions to the model class ({@code GenerateOptions.instrumented}), all
 * at the step dispatch, none inside a kernel: each step of the sequence methods is timed
 * ({@code stepNanos()}), and {@code intermediates(...)} runs the model keeping a copy of every
 * value right after the step that writes it. {@code kiln bench --profile}, the report's time
 * column and {@code kiln verify --all-layers} all read these. Without the option, ModelClass
 * calls nothing here and the output is what it always was.
 */
final class Instrumentation {
    private final List<JavaBackend.Step> steps;
    private final int stepsPerMethod;
    /** The values to copy after each step: its outputs, and views of them (they share its memory). */
    private final List<List<Value>> captured;
    private final MemoryPlan plan;
    private final ClassName context;
    /** The names intermediates() returns values by: the graph's, made unique ({@link Graph#uniqueNames()}). */
    private final Map<Value, String> names;

    Instrumentation(List<JavaBackend.Step> steps, Graph graph, MemoryPlan plan, ClassName context, int stepsPerMethod) {
        this.steps = steps;
        this.context = context;
        this.plan = plan;
        this.stepsPerMethod = stepsPerMethod;
        this.captured = capturedValues(steps, graph, plan);
        this.names = graph.uniqueNames();
    }

    private static List<List<Value>> capturedValues(List<JavaBackend.Step> steps, Graph graph, MemoryPlan plan) {
        Map<Value, Integer> stepOf = new IdentityHashMap<>();
        Map<Node, Integer> kernels = new IdentityHashMap<>();
        List<List<Value>> captured = new ArrayList<>();
        for (JavaBackend.Step s : steps) {
            kernels.put(s.node(), s.index());
            captured.add(new ArrayList<>());
        }
        for (Node n : graph.nodes()) {
            Integer step = kernels.get(n);
            if (step == null && n.inputCount() > 0 && n.input(0) != null) {
                step = stepOf.get(n.input(0)); // a view: it runs nothing and reads its source's memory
            }
            if (step == null) {
                continue;
            }
            for (Value v : n.outputs()) {
                if (v != null && plan.location(v).kind() == MemoryPlan.Kind.ARENA) {
                    stepOf.put(v, step);
                    captured.get(step).add(v);
                }
            }
        }
        return captured;
    }

    /** The public API: {@code STEPS}, {@code stepNanos()}, {@code resetStepNanos()}, {@code intermediates(...)}. */
    void addApi(TypeSpec.Builder type) {
        TypeName strings = ParameterizedTypeName.get(List.class, String.class);
        CodeBlock.Builder names = CodeBlock.builder().add("$T.unmodifiableList($T.asList(new String[] {",
                Collections.class, java.util.Arrays.class);
        for (JavaBackend.Step s : steps) {
            names.add(s.index() == 0 ? "\n" : ",\n").add("$>$>$S$<$<", ModelClass.stepComment(s));
        }
        type.addField(FieldSpec.builder(strings, "STEPS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Debug build: the kernel steps of one inference, in order, each with the node it runs.\n")
                .initializer(names.add("}))").build()).build());
        type.addField(FieldSpec.builder(AtomicLongArray.class, "stepTimes", Modifier.PRIVATE, Modifier.FINAL)
                .initializer("new $T($L)", AtomicLongArray.class, steps.size()).build());
        type.addMethod(MethodSpec.methodBuilder("stepNanos").addModifiers(Modifier.PUBLIC).returns(long[].class)
                .addJavadoc("Debug build: nanoseconds each step took (indexed as {@link #STEPS}), summed over every run of\n"
                        + "every calling thread since {@code load} or {@link #resetStepNanos()}. A step's time is its wall\n"
                        + "time on the calling thread, all its parts included.\n")
                .addStatement("long[] nanos = new long[$L]", steps.size())
                .beginControlFlow("for (int i = 0; i < nanos.length; i++)")
                .addStatement("nanos[i] = stepTimes.get(i)")
                .endControlFlow()
                .addStatement("return nanos").build());
        type.addMethod(MethodSpec.methodBuilder("resetStepNanos").addModifiers(Modifier.PUBLIC)
                .addJavadoc("Debug build: sets every step's time to 0.\n")
                .beginControlFlow("for (int i = 0; i < $L; i++)", steps.size())
                .addStatement("stepTimes.set(i, 0)")
                .endControlFlow().build());
        TypeName values = ParameterizedTypeName.get(Map.class, String.class, Object.class);
        type.addMethod(MethodSpec.methodBuilder("intermediates").addModifiers(Modifier.PUBLIC).varargs()
                .returns(values).addParameter(Object[].class, "inputs")
                .addJavadoc("Debug build: runs the model as {@link #run(Object...)} does and returns a copy of every value a\n"
                        + "step wrote, taken right after that step, in step order, by value name (a repeated name gets\n"
                        + "#2, #3...; a view such as a Reshape comes with its source). Each is a flat array in Kiln's\n"
                        + "layout: a value of a channels-last step is NHWC (see the step comments).\n")
                .addStatement("$T c = context()", context)
                .addStatement("$T captured = new $T()", values, ParameterizedTypeName.get(LinkedHashMap.class,
                        String.class, Object.class))
                .addStatement("c.capture = captured")
                .beginControlFlow("try")
                .addStatement("run(inputs)")
                .nextControlFlow("finally")
                .addStatement("c.capture = null")
                .endControlFlow()
                .addStatement("return captured").build());
    }

    /** Declares the step timer at the top of a sequence method. */
    void startSequence(MethodSpec.Builder m) {
        m.addStatement("long t");
    }

    /** One step of a sequence method, timed, with its copies taken when asked. */
    CodeBlock timed(int step, CodeBlock call) {
        return CodeBlock.builder().addStatement("t = System.nanoTime()").add(call).addStatement("c.stepDone($L, t)", step)
                .build();
    }

    /** The context's side: where copies go, {@code stepDone}, and the copying per step. */
    void addToContext(TypeSpec.Builder c) {
        c.addField(FieldSpec.builder(ParameterizedTypeName.get(Map.class, String.class, Object.class), "capture")
                .addJavadoc("Where {@code intermediates} collects copies; null in a plain run.\n").build());
        MethodSpec.Builder done = MethodSpec.methodBuilder("stepDone")
                .addJavadoc("Adds the time since {@code start} to the step's; copies what it wrote when asked.\n")
                .addParameter(TypeName.INT, "step").addParameter(TypeName.LONG, "start")
                .addStatement("stepTimes.addAndGet(step, System.nanoTime() - start)")
                .beginControlFlow("if (capture != null)")
                .beginControlFlow("switch (step / $L)", stepsPerMethod);
        for (int chunk = 0; chunk * stepsPerMethod < steps.size(); chunk++) {
            done.addStatement("case $L: capture$L(step); break", chunk, chunk);
            int from = chunk * stepsPerMethod;
            MethodSpec.Builder m = MethodSpec.methodBuilder("capture" + chunk).addModifiers(Modifier.PRIVATE)
                    .addParameter(TypeName.INT, "step")
                    .beginControlFlow("switch (step)");
            for (JavaBackend.Step s : steps.subList(from, Math.min(steps.size(), from + stepsPerMethod))) {
                m.addCode("case $L:\n$>", s.index());
                for (Value v : captured.get(s.index())) {
                    MemoryPlan.Location l = plan.location(v);
                    m.addStatement("capture.put($S, $T.copyOfRange($L, $L, $L))", names.get(v), java.util.Arrays.class,
                            ModelClass.arrayExpression(l), l.offset(), (long) l.offset() + v.type().size());
                }
                m.addStatement("break").addCode("$<");
            }
            m.addStatement("default: throw new IllegalArgumentException($S + step)", "no step ");
            c.addMethod(m.endControlFlow().build());
        }
        done.addStatement("default: throw new IllegalArgumentException($S + step)", "no step ");
        c.addMethod(done.endControlFlow().endControlFlow().build());
    }
}
