package dev.kiln.codegen;

import dev.kiln.codegen.java.JavaBackend;
import dev.kiln.codegen.opencl.OpenClBackend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The back ends Kiln has, by the name {@code --target} takes. */
public final class Backends {
    private static final Map<String, Backend> ALL = new LinkedHashMap<>();

    static {
        for (Backend b : new Backend[] {JavaBackend.scalar(), JavaBackend.vector(), new OpenClBackend()}) {
            ALL.put(b.id(), b);
        }
    }

    /** The back end used when none is named. */
    public static final String DEFAULT = "java";

    private Backends() {
    }

    /**
     * The back end called {@code id}.
     *
     * @throws IllegalArgumentException naming the choices, for an unknown id
     */
    public static Backend get(String id) {
        Backend b = ALL.get(id);
        if (b == null) {
            throw new IllegalArgumentException("unknown target '" + id + "' (targets: " + String.join(", ", ids()) + ")");
        }
        return b;
    }

    /** Every back end, the default first. */
    public static List<Backend> all() {
        return List.copyOf(ALL.values());
    }

    public static List<String> ids() {
        return new ArrayList<>(ALL.keySet());
    }
}
