package dev.kiln.codegen;

/**
 * Makes untrusted text (names and strings from a model) safe to place in
 * generated source comments. String literals go through JavaPoet's {@code $S},
 * which escapes them; comments need this instead, because javac would act on a
 * {@code *}{@code /} or a backslash-u escape inside a comment. Pass the result to
 * JavaPoet as a {@code $L} argument, never inside a format string.
 */
public final class SourceText {
    private static final int MAX = 160;

    private SourceText() {
    }

    /** Printable ASCII only, no comment terminators or backslashes, at most 160 characters. */
    public static String comment(String text) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < text.length() && s.length() < MAX; i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                s.append('/');
            } else if (c == '/' && s.length() > 0 && s.charAt(s.length() - 1) == '*') {
                s.append(' ').append('/');
            } else if (c == '*' && s.length() > 0 && s.charAt(s.length() - 1) == '/') {
                s.append(' ').append('*');
            } else if (c >= 0x20 && c < 0x7F) {
                s.append(c);
            } else {
                s.append('?');
            }
        }
        return text.length() > MAX ? s + "..." : s.toString();
    }
}
