package dev.kiln.compiler.ir;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes of a node, with typed getters that take the ONNX spec's
 * default. A getter for an attribute of the wrong kind throws
 * {@link AttributeException}, which the caller turns into an error naming the node.
 */
public final class Attributes {
    private final Map<String, Attribute> byName = new LinkedHashMap<>();

    public Attributes() {
    }

    public Attributes(Collection<Attribute> attributes) {
        for (Attribute a : attributes) {
            byName.put(a.name(), a);
        }
    }

    public Attributes copy() {
        return new Attributes(byName.values());
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public Attribute get(String name) {
        return byName.get(name);
    }

    public Collection<Attribute> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public Attributes set(Attribute a) {
        byName.put(a.name(), a);
        return this;
    }

    public void remove(String name) {
        byName.remove(name);
    }

    public long getInt(String name, long defaultValue) {
        Attribute a = byName.get(name);
        return a == null ? defaultValue : (Long) expect(a, Attribute.Kind.INT).value();
    }

    /** A required INT attribute. */
    public long getInt(String name) {
        return (Long) expect(required(name), Attribute.Kind.INT).value();
    }

    public float getFloat(String name, float defaultValue) {
        Attribute a = byName.get(name);
        return a == null ? defaultValue : (Float) expect(a, Attribute.Kind.FLOAT).value();
    }

    public String getString(String name, String defaultValue) {
        Attribute a = byName.get(name);
        return a == null ? defaultValue : (String) expect(a, Attribute.Kind.STRING).value();
    }

    /** An INTS attribute, or {@code defaultValue} (which may be null) when absent. */
    public long[] getInts(String name, long[] defaultValue) {
        Attribute a = byName.get(name);
        return a == null ? defaultValue : ((long[]) expect(a, Attribute.Kind.INTS).value()).clone();
    }

    public float[] getFloats(String name, float[] defaultValue) {
        Attribute a = byName.get(name);
        return a == null ? defaultValue : ((float[]) expect(a, Attribute.Kind.FLOATS).value()).clone();
    }

    @SuppressWarnings("unchecked")
    public List<String> getStrings(String name, List<String> defaultValue) {
        Attribute a = byName.get(name);
        return a == null ? defaultValue : (List<String>) expect(a, Attribute.Kind.STRINGS).value();
    }

    public Tensor getTensor(String name) {
        Attribute a = byName.get(name);
        return a == null ? null : (Tensor) expect(a, Attribute.Kind.TENSOR).value();
    }

    private Attribute required(String name) {
        Attribute a = byName.get(name);
        if (a == null) {
            throw new AttributeException("required attribute '" + name + "' is missing");
        }
        return a;
    }

    private static Attribute expect(Attribute a, Attribute.Kind kind) {
        if (a.kind() != kind) {
            throw new AttributeException("attribute '" + a.name() + "' is " + a.kind() + ", expected " + kind);
        }
        return a;
    }

    /** A missing or mistyped attribute. */
    public static final class AttributeException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public AttributeException(String message) {
            super(message);
        }
    }
}
