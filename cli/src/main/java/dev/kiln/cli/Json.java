package dev.kiln.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON that {@code --json} prints: maps (in their iteration order),
 * lists, strings, numbers, booleans and null, indented two spaces.
 */
final class Json {
    private Json() {
    }

    static String write(Object value) {
        StringBuilder s = new StringBuilder();
        write(value, s, "");
        return s.toString();
    }

    private static void write(Object v, StringBuilder s, String indent) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof String str) {
            string(str, s);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // JSON has no NaN or infinity: write them as strings a reader can still see.
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                string(Double.toString(d), s);
            } else {
                s.append(d);
            }
        } else if (v instanceof Number || v instanceof Boolean) {
            s.append(v);
        } else if (v instanceof Map<?, ?> map) {
            container(map.entrySet().iterator(), s, indent, '{', '}', (e, inner) -> {
                Map.Entry<?, ?> entry = (Map.Entry<?, ?>) e;
                string(String.valueOf(entry.getKey()), s);
                s.append(": ");
                write(entry.getValue(), s, inner);
            });
        } else if (v instanceof List<?> list) {
            container(list.iterator(), s, indent, '[', ']', (e, inner) -> write(e, s, inner));
        } else {
            throw new IllegalArgumentException("no JSON form for " + v.getClass());
        }
    }

    private interface ItemWriter {
        void write(Object item, String indent);
    }

    private static void container(Iterator<?> items, StringBuilder s, String indent, char open, char close,
                                  ItemWriter item) {
        if (!items.hasNext()) {
            s.append(open).append(close);
            return;
        }
        String inner = indent + "  ";
        s.append(open).append('\n');
        while (items.hasNext()) {
            s.append(inner);
            item.write(items.next(), inner);
            s.append(items.hasNext() ? ",\n" : "\n");
        }
        s.append(indent).append(close);
    }

    private static void string(String str, StringBuilder s) {
        s.append('"');
        for (char c : str.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                case '\t' -> s.append("\\t");
                default -> {
                    if (c < 0x20) {
                        s.append(String.format("\\u%04x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        s.append('"');
    }
}
