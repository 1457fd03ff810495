package dev.kiln.compiler.onnx.text;

import dev.kiln.compiler.ir.ElementType;
import java.util.Locale;
import java.util.Map;

/** The words of the text syntax that the grammar leaves to the code: names, keywords, quoting. */
final class Syntax {
    /**
     * The attribute type names of a {@code name: ints = [...]} annotation, with their
     * AttributeProto.AttributeType numbers (13 and 14 are newer than the bundled enum).
     */
    static final Map<String, Integer> ATTRIBUTE_TYPES = Map.ofEntries(
            Map.entry("float", 1), Map.entry("int", 2), Map.entry("string", 3), Map.entry("tensor", 4),
            Map.entry("graph", 5), Map.entry("floats", 6), Map.entry("ints", 7), Map.entry("strings", 8),
            Map.entry("tensors", 9), Map.entry("graphs", 10), Map.entry("sparse_tensor", 11),
            Map.entry("sparse_tensors", 12), Map.entry("type_proto", 13), Map.entry("type_protos", 14));

    private Syntax() {
    }

    /** The element type a prim-type name such as {@code float} or {@code int64} stands for, or null. */
    static ElementType elementType(String name) {
        for (ElementType t : ElementType.values()) {
            if (t.onnxName().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The annotation name of an attribute type number ({@code ints} for 7), or null if it has none. */
    static String attributeTypeName(int type) {
        for (Map.Entry<String, Integer> e : ATTRIBUTE_TYPES.entrySet()) {
            if (e.getValue() == type) {
                return e.getKey();
            }
        }
        return null;
    }

    /** A name that needs no quotes: a letter or '_', then letters, digits and '_'. */
    static boolean isIdentifier(String s) {
        if (s.isEmpty() || !(isLetter(s.charAt(0)) || s.charAt(0) == '_')) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isLetter(c) || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** A name as the syntax writes it: bare if it is an identifier, else quoted. */
    static String name(String s) {
        return isIdentifier(s) ? s : quote(s);
    }

    /** A quoted string: backslash and double quote are escaped with a backslash, nothing else is. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' || c == '"') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.append('"').toString();
    }

    /** The text of a STRING token without its quotes, each backslash taking the next character as it is. */
    static String unquote(String token) {
        StringBuilder b = new StringBuilder(token.length());
        for (int i = 1; i < token.length() - 1; i++) {
            char c = token.charAt(i);
            if (c == '\\') {
                c = token.charAt(++i);
            }
            b.append(c);
        }
        return b.toString();
    }

    /** The value of nan, inf or infinity (any case, optionally negative), or null for any other word. */
    static Double specialFloat(String word) {
        boolean negative = word.startsWith("-");
        String w = (negative ? word.substring(1) : word).toLowerCase(Locale.ROOT);
        return switch (w) {
            case "nan" -> Double.NaN;
            case "inf", "infinity" -> negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default -> null;
        };
    }
}
