package dev.kiln.codegen.java;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.element.Modifier;

/**
 * Lookup tables that kernels compute at compile time (a Resize's source offsets
 * and weights per output index), emitted as {@code static final} array
 * fields of the model class. The values are written as comma-separated decimal
 * strings that a small decoder parses once at class initialisation: string
 * constants cost no bytecode, where an array initialiser would grow the class
 * initialiser by some eight bytes per element. Identical tables share one field,
 * so kernels that use them stay identical and shared too.
 */
final class ConstantTables {
    /** Values per string constant, keeping each far below the class file's 65535-byte limit. */
    private static final int VALUES_PER_CHUNK = 1024;

    private final Map<String, FieldSpec> fields = new LinkedHashMap<>();
    private final Map<String, MethodSpec> decoders = new TreeMap<>();

    String ints(String prefix, int[] values) {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = Integer.toString(values[i]);
        }
        return add(prefix, TypeName.INT, "Integer.parseInt", text);
    }

    String floats(String prefix, float[] values) {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = Float.toString(values[i]);
        }
        return add(prefix, TypeName.FLOAT, "Float.parseFloat", text);
    }

    String doubles(String prefix, double[] values) {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = Double.toString(values[i]);
        }
        return add(prefix, TypeName.DOUBLE, "Double.parseDouble", text);
    }

    private String add(String prefix, TypeName element, String parse, String[] values) {
        String key = element + ":" + String.join(",", values);
        FieldSpec f = fields.get(key);
        if (f != null) {
            return f.name();
        }
        String decoder = element + "Table";
        decoders.computeIfAbsent(decoder, d -> decoder(d, element, parse));
        CodeBlock.Builder init = CodeBlock.builder().add("$L(", decoder);
        for (int from = 0; from < values.length; from += VALUES_PER_CHUNK) {
            String chunk = String.join(",", java.util.Arrays.copyOfRange(values, from,
                    Math.min(values.length, from + VALUES_PER_CHUNK)));
            init.add(from == 0 ? "$S" : ",\n$S", chunk);
        }
        String name = prefix.toUpperCase(java.util.Locale.ROOT) + "_" + (fields.size() + 1);
        f = FieldSpec.builder(ArrayTypeName.of(element), name, Modifier.STATIC, Modifier.FINAL)
                .initializer(init.add(")").build()).build();
        fields.put(key, f);
        return name;
    }

    /** {@code static T[] tTable(String... chunks)}: parses comma-separated values. */
    private static MethodSpec decoder(String name, TypeName element, String parse) {
        return MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .addJavadoc("Decodes a compile-time table: comma-separated values, in one or more strings.\n")
                .returns(ArrayTypeName.of(element)).addParameter(String[].class, "chunks").varargs()
                .addStatement("int n = 0")
                .beginControlFlow("for (String c : chunks)")
                .addStatement("n += c.split($S).length", ",")
                .endControlFlow()
                .addStatement("$T[] table = new $T[n]", element, element)
                .addStatement("int i = 0")
                .beginControlFlow("for (String c : chunks)")
                .beginControlFlow("for (String v : c.split($S))", ",")
                .addStatement("table[i++] = $L(v)", parse)
                .endControlFlow()
                .endControlFlow()
                .addStatement("return table")
                .build();
    }

    List<FieldSpec> fields() {
        return new ArrayList<>(fields.values());
    }

    List<MethodSpec> decoders() {
        return new ArrayList<>(decoders.values());
    }
}
