package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * Small lookup tables that kernels compute at compile time (a Resize's source
 * indices and weights per output coordinate), emitted as {@code private static
 * final} array fields of the model class. Identical tables share one field, so
 * kernels that use them stay identical and shared too.
 */
final class ConstantTables {
    /** Each table initialiser sits in the class initialiser; keep them well below its 64 KB limit. */
    static final int MAX_ELEMENTS = 4096;

    private final Map<String, FieldSpec> fields = new LinkedHashMap<>();

    /** The name of a field holding {@code values}. */
    String ints(String prefix, int[] values) {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = Integer.toString(values[i]);
        }
        return add(prefix, TypeName.get(int[].class), text);
    }

    /** The name of a field holding {@code values}. */
    String floats(String prefix, float[] values) {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = JavaTypes.floatLiteral(values[i]);
        }
        return add(prefix, TypeName.get(float[].class), text);
    }

    /** The name of a field holding {@code values}. */
    String doubles(String prefix, double[] values) {
        String[] text = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            text[i] = JavaTypes.doubleLiteral(values[i]);
        }
        return add(prefix, TypeName.get(double[].class), text);
    }

    private String add(String prefix, TypeName type, String[] values) {
        String key = type + ":" + String.join(",", values);
        FieldSpec f = fields.get(key);
        if (f == null) {
            String name = prefix.toUpperCase(java.util.Locale.ROOT) + "_" + (fields.size() + 1);
            CodeBlock.Builder init = CodeBlock.builder().add("{");
            for (int i = 0; i < values.length; i++) {
                init.add(i == 0 ? "" : i % 16 == 0 ? ",\n" : ", ").add(values[i]);
            }
            f = FieldSpec.builder(type, name, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                    .initializer(init.add("}").build()).build();
            fields.put(key, f);
        }
        return f.name();
    }

    List<FieldSpec> fields() {
        return new ArrayList<>(fields.values());
    }
}
