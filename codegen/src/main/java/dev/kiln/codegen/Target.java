package dev.kiln.codegen;

import java.util.Locale;

/** The back ends. */
public enum Target {
    /** Plain Java 8 source, scalar loops. */
    JAVA;

    /** The name used on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The target named {@code id}; an IllegalArgumentException listing the choices otherwise. */
    public static Target of(String id) {
        for (Target t : values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown target '" + id + "' (targets: java)");
    }
}
