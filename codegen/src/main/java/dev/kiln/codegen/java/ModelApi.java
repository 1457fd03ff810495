package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
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
 * {@code INPUT_SIZE}/{@code OUTPUT_SIZE} for a one-float-in, one-float-out model).
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

    /** Comma-separated numbers, for an array initializer. */
    public static String joined(long[] values) {
        List<String> s = new ArrayList<>();
        for (long v : values) {
            s.add(Long.toString(v));
        }
        return String.join(", ", s);
    }
}
