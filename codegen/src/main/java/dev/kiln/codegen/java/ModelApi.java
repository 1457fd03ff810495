package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import dev.kiln.codegen.SourceText;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.KilnVersion;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import java.util.ArrayList;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * What every generated model class shows of its model, whichever back end wrote it (the
 * java back ends' model class, the opencl back end's host class): the public names of
 * its inputs and outputs, and the constants of DESIGN.md's contract ({@code KILN_VERSION},
 * {@code MODEL_SHA256}, {@code FINGERPRINT}, {@code INPUTS}, {@code OUTPUTS}, and
 * {@code INPUT_SIZE}/{@code OUTPUT_SIZE} for a one-float-in, one-float-out model), and
 * the {@code load()} and {@code load(Path)} that read its weight file.
 */
public final class ModelApi {
    private final Compilation compilation;
    private final Graph graph;
    private final Runtime rt;

    /** @param rt where the runtime's {@code TensorInfo} is */
    public ModelApi(Compilation compilation, Runtime rt) {
        this.compilation = compilation;
        this.graph = compilation.model().graph();
        this.rt = rt;
    }

    /** The public name of graph input or output {@code i}. */
    public String name(int i, boolean output) {
        return output ? compilation.model().outputs().get(i).name() : graph.inputs().get(i).name();
    }

    /** Whether the model has one float input and one float output: the simple {@code run} forms exist. */
    public boolean singleFloat() {
        return graph.inputs().size() == 1 && graph.outputs().size() == 1
                && graph.inputs().get(0).type().elementType() == ElementType.FLOAT
                && graph.outputs().get(0).type().elementType() == ElementType.FLOAT;
    }

    /**
     * The check at the top of {@code run(Object...)}: the number of inputs, with a message in
     * words ("expected 1 input, got 2").
     */
    public void checkInputCount(MethodSpec.Builder run) {
        int n = graph.inputs().size();
        run.beginControlFlow("if (inputs.length != $L)", n)
                .addStatement("throw new IllegalArgumentException($S + inputs.length)",
                        "expected " + n + (n == 1 ? " input, got " : " inputs, got "))
                .endControlFlow();
    }

    /** The inputs or outputs for the class's Javadoc: {@code {@code name} type, ...}, or "none". */
    public String describe(List<Value> values, boolean outputs) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            parts.add("{@code " + SourceText.comment(name(i, outputs)).replace("}", ")") + "} " + values.get(i).type());
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    /**
     * Adds the public constants.
     *
     * @param fingerprintDoc the Javadoc of {@code FINGERPRINT}: what must carry the same
     */
    public void addConstants(TypeSpec.Builder type, String fingerprint, String fingerprintDoc) {
        type.addField(FieldSpec.builder(String.class, "KILN_VERSION", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The Kiln version that generated this class.\n")
                .initializer("$S", KilnVersion.VERSION).build());
        type.addField(FieldSpec.builder(String.class, "MODEL_SHA256", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("SHA-256 of the ONNX file this class was compiled from.\n")
                .initializer("$S", compilation.model().sha256()).build());
        type.addField(FieldSpec.builder(String.class, "FINGERPRINT", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("$L\n", fingerprintDoc)
                .initializer("$S", fingerprint).build());
        TypeName infos = ParameterizedTypeName.get(ClassName.get(List.class), rt.get("TensorInfo"));
        type.addField(FieldSpec.builder(infos, "INPUTS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The inputs {@code run} takes, in order: name, element type, shape.\n")
                .initializer(infoList(graph.inputs(), false)).build());
        type.addField(FieldSpec.builder(infos, "OUTPUTS", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The outputs {@code run} returns, in order.\n")
                .initializer(infoList(graph.outputs(), true)).build());
        if (singleFloat()) {
            type.addField(FieldSpec.builder(TypeName.INT, "INPUT_SIZE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Elements of the input array.\n")
                    .initializer("$L", graph.inputs().get(0).type().size()).build());
            type.addField(FieldSpec.builder(TypeName.INT, "OUTPUT_SIZE", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Elements of the output array.\n")
                    .initializer("$L", graph.outputs().get(0).type().size()).build());
        }
    }

    private CodeBlock infoList(List<Value> values, boolean outputs) {
        CodeBlock.Builder b = CodeBlock.builder().add("$T.unmodifiableList($T.asList(", java.util.Collections.class,
                java.util.Arrays.class);
        b.add("new $T[] {", rt.get("TensorInfo"));
        for (int i = 0; i < values.size(); i++) {
            TensorType t = values.get(i).type();
            b.add(i == 0 ? "\n" : ",\n");
            b.add("$>$>new $T($S, $S, new long[] {$L})$<$<", rt.get("TensorInfo"), name(i, outputs),
                    t.elementType().onnxName(), joined(t.dims()));
        }
        return b.add("}))").build();
    }

    /**
     * {@code load()}, from the weight file beside the class on the class path, and
     * {@code load(Path)}: both open the file and call the class's private
     * {@code load(InputStream in, String source...)}, which reads it, then close it.
     *
     * @param self the generated class
     * @param onto appended to the first sentence of their Javadoc (e.g. " onto the default device")
     * @param moreArguments appended to the private {@code load}'s arguments (e.g. {@code ", null"})
     * @param moreThrows more {@code @throws} lines for their Javadoc
     */
    public List<MethodSpec> loadFromClasspathAndPath(ClassName self, String onto, String moreArguments,
                                                     CodeBlock moreThrows) {
        ClassName weightError = rt.get("WeightFileException");
        String resource = self.simpleName() + ".weights";
        MethodSpec fromClasspath = MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(self)
                .addJavadoc("Loads the weights from {@code $L}, a classpath resource beside this class$L.\n\n", resource,
                        onto)
                .addJavadoc("@throws $T if the resource is missing, truncated, or belongs to another model\n", weightError)
                .addJavadoc(moreThrows)
                .addStatement("$T in = $T.class.getResourceAsStream($S)", java.io.InputStream.class, self, resource)
                .beginControlFlow("if (in == null)")
                .addStatement("throw new $T($S)", weightError, "weight file " + resource + " not found on the classpath beside "
                        + self.canonicalName())
                .endControlFlow()
                .beginControlFlow("try")
                .addStatement("return load(in, $S$L)", "classpath resource " + resource, moreArguments)
                .nextControlFlow("finally")
                .addStatement("closeQuietly(in)")
                .endControlFlow()
                .build();
        MethodSpec fromPath = MethodSpec.methodBuilder("load").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(self)
                .addJavadoc("Loads the weights from a file$L.\n\n", onto)
                .addJavadoc("@throws $T if the file is missing, truncated, or belongs to another model\n", weightError)
                .addJavadoc(moreThrows)
                .addParameter(java.nio.file.Path.class, "path")
                .addStatement("$T in", java.io.InputStream.class)
                .beginControlFlow("try")
                .addStatement("in = $T.newInputStream(path)", java.nio.file.Files.class)
                .nextControlFlow("catch ($T e)", java.io.IOException.class)
                .addStatement("throw new $T($S + path + $S + e, e)", weightError, "cannot open weight file ", ": ")
                .endControlFlow()
                .beginControlFlow("try")
                .addStatement("return load(new $T(in, 1 << 16), path.toString()$L)", java.io.BufferedInputStream.class,
                        moreArguments)
                .nextControlFlow("finally")
                .addStatement("closeQuietly(in)")
                .endControlFlow()
                .build();
        return List.of(fromClasspath, fromPath);
    }

    /** {@code closeQuietly(InputStream)}, which the {@code load} methods use. */
    public static MethodSpec closeQuietly() {
        return MethodSpec.methodBuilder("closeQuietly").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addParameter(java.io.InputStream.class, "in")
                .beginControlFlow("try")
                .addStatement("in.close()")
                .nextControlFlow("catch ($T ignored)", java.io.IOException.class)
                .addComment("nothing was read after this point; closing is best effort")
                .endControlFlow()
                .build();
    }

    /** Comma-separated numbers, for an array initializer. */
    public static String joined(long[] values) {
        List<String> s = new ArrayList<>();
        for (long v : values) {
            s.add(Long.toString(v));
        }
        return String.join(", ", s);
    }
}
