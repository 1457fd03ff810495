package dev.kiln.compiler.ops;

import dev.kiln.compiler.ir.ElementType;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Named sets of element types, as the ONNX spec's type constraints use them. */
public final class Types {
    private Types() {
    }

    public static final Set<ElementType> FLOATS = EnumSet.of(
            ElementType.FLOAT, ElementType.DOUBLE, ElementType.FLOAT16, ElementType.BFLOAT16);
    public static final Set<ElementType> SIGNED_INTS = EnumSet.of(
            ElementType.INT8, ElementType.INT16, ElementType.INT32, ElementType.INT64);
    public static final Set<ElementType> UNSIGNED_INTS = EnumSet.of(
            ElementType.UINT8, ElementType.UINT16, ElementType.UINT32, ElementType.UINT64);
    public static final Set<ElementType> INTS = union(SIGNED_INTS, UNSIGNED_INTS);
    public static final Set<ElementType> NUMERIC = union(FLOATS, INTS);
    public static final Set<ElementType> SIGNED_NUMERIC = union(FLOATS, SIGNED_INTS);
    public static final Set<ElementType> INDEX = EnumSet.of(ElementType.INT32, ElementType.INT64);
    public static final Set<ElementType> BOOL = EnumSet.of(ElementType.BOOL);
    /** Every type Kiln can store: what data-movement ops (Reshape, Concat...) accept. */
    public static final Set<ElementType> ALL = union(NUMERIC, EnumSet.of(ElementType.BOOL, ElementType.STRING));

    @SafeVarargs
    public static Set<ElementType> union(Set<ElementType>... sets) {
        Set<ElementType> out = EnumSet.noneOf(ElementType.class);
        for (Set<ElementType> s : sets) {
            out.addAll(s);
        }
        return out;
    }

    /** Like "float, double, float16". */
    public static String describe(Set<ElementType> types) {
        return types.stream().map(ElementType::onnxName).collect(Collectors.joining(", "));
    }
}
