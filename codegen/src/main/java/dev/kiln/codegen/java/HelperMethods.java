package dev.kiln.codegen.java;

import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Methods that kernels of one generated class call besides their own, such as the
 * register tile of a matrix product: kept as methods of their own so that the JIT
 * compiles them on their own (a tile that the JIT inlined into a larger loop would
 * share its registers). Identical helpers are emitted once.
 */
final class HelperMethods {
    private final Map<String, MethodSpec> byKey = new LinkedHashMap<>();
    private final Map<String, Integer> perBase = new HashMap<>();

    /** Adds {@code method} (its name is replaced) or finds an identical one; returns its name. */
    String add(String baseName, MethodSpec method) {
        String key = method.parameters() + "\n" + method.returnType() + "\n" + method.code();
        MethodSpec existing = byKey.get(key);
        if (existing != null) {
            return existing.name();
        }
        String name = baseName + "_" + perBase.merge(baseName, 1, Integer::sum);
        // setName also resets the return type to void: set it again.
        byKey.put(key, method.toBuilder().setName(name).returns(method.returnType()).build());
        return name;
    }

    List<MethodSpec> methods() {
        return new ArrayList<>(byKey.values());
    }
}
