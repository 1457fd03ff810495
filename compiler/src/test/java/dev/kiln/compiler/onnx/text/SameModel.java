package dev.kiln.compiler.onnx.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.TensorProtos;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;

/**
 * Whether two ModelProtos are the same model as far as the text syntax can say: the
 * same structure once what the syntax has no place for is set aside (doc strings,
 * denotations, fields at their default, fields newer than the bundled protobuf classes),
 * and every tensor holding the same values, decoded by the importer's own
 * {@link TensorProtos} (independently of the printer), wherever they are stored.
 */
final class SameModel {
    private static final Set<String> DROPPED = Set.of("doc_string", "denotation");
    private static final Set<String> TENSOR_DATA = Set.of("raw_data", "float_data", "int32_data", "int64_data",
            "double_data", "uint64_data", "string_data");

    private SameModel() {
    }

    static void assertSame(ModelProto expected, ModelProto actual, String what) {
        assertEquals(skeleton(expected), skeleton(actual), what + ": structure");
        List<TensorProto> a = tensors(expected);
        List<TensorProto> b = tensors(actual);
        assertEquals(a.size(), b.size(), what + ": tensor count");
        for (int i = 0; i < a.size(); i++) {
            assertEquals(values(a.get(i)), values(b.get(i)), what + ": values of tensor '" + a.get(i).getName() + "'");
        }
    }

    /** The message without tensor data, doc strings, denotations, default-valued and unknown fields. */
    @SuppressWarnings("unchecked")
    private static <M extends Message> M skeleton(M m) {
        Message.Builder b = m.toBuilder();
        b.setUnknownFields(UnknownFieldSet.getDefaultInstance());
        boolean tensor = m instanceof TensorProto;
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            if (DROPPED.contains(f.getName()) || (tensor && TENSOR_DATA.contains(f.getName()))) {
                b.clearField(f);
            } else if (f.isRepeated() && f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
                b.clearField(f);
                for (Object item : (List<?>) m.getField(f)) {
                    b.addRepeatedField(f, skeleton((Message) item));
                }
            } else if (!f.isRepeated() && m.hasField(f)) {
                Object v = m.getField(f);
                if (v instanceof Message sub) {
                    b.setField(f, skeleton(sub));
                } else if (v.equals(f.getDefaultValue())) {
                    b.clearField(f);
                }
            }
        }
        return (M) b.build();
    }

    /** Every tensor of the model, initializers and attribute values, subgraphs included, in a fixed order. */
    private static List<TensorProto> tensors(ModelProto m) {
        List<TensorProto> all = new ArrayList<>();
        collect(m.getGraph(), all);
        return all;
    }

    private static void collect(GraphProto g, List<TensorProto> all) {
        all.addAll(g.getInitializerList());
        g.getNodeList().forEach(n -> {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasT()) {
                    all.add(a.getT());
                }
                all.addAll(a.getTensorsList());
                if (a.hasG()) {
                    collect(a.getG(), all);
                }
                a.getGraphsList().forEach(sub -> collect(sub, all));
            }
        });
    }

    /** A tensor's values: decoded by the importer where Kiln can hold the type, else as the text writes them. */
    private static Object values(TensorProto t) {
        ElementType e = ElementType.fromCode(t.getDataType());
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return t.getExternalDataList();
        }
        if (e != null && e.isSupported()) {
            Tensor decoded = TensorProtos.decode(t, null);
            return new Comparable(decoded.data());
        }
        List<String> text = new ArrayList<>();
        TensorText.values(t, text::add);
        return text;
    }

    /** An array compared by content (floats bit for bit, so -0.0 differs from 0.0; NaN equals NaN). */
    private record Comparable(Object array) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Comparable c && Objects.deepEquals(new Object[] {array}, new Object[] {c.array});
        }

        @Override
        public int hashCode() {
            return 0;
        }

        @Override
        public String toString() {
            return java.util.Arrays.deepToString(new Object[] {array});
        }
    }
}
