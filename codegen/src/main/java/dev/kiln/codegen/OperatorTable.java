package dev.kiln.codegen;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.ir.ElementType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The operator table of {@code docs/operators.md}, made from the op registry and the
 * back ends' kernel registries, so that the document says what the code does.
 * {@code kiln operators} prints it; a test keeps the committed file up to date.
 */
public final class OperatorTable {
    private OperatorTable() {
    }

    /** The whole Markdown document. */
    public static String markdown() {
        List<OpDef> ops = OpRegistry.standard().all().stream()
                .sorted(Comparator.comparing(OpDef::domain).thenComparing(OpDef::opType))
                .toList();
        List<Backend> backends = Backends.all();
        StringBuilder md = new StringBuilder();
        md.append("# Supported operators\n\n")
                .append("Generated from Kiln's op registry by `./kiln operators -o docs/operators.md`; ")
                .append("a test fails when this file and the code disagree.\n\n")
                .append("- **Opsets**: the ai.onnx opset versions whose semantics Kiln implements for the op. ")
                .append("A model importing an opset outside the range is refused with an error naming the node.\n")
                .append("- **Element types**: the types of the op's main input.\n")
                .append("- **").append(String.join("**, **", Backends.ids())).append("**: how each back end ")
                .append("runs it: `kernel` (generated code), `vector kernel (...)` (a Vector API kernel for the ")
                .append("nodes named in brackets, the scalar kernel for the rest), ")
                .append("`view` (no code: the output shares the input's buffer), `compile time` (no kernel: ")
                .append("a pass removes the node (Dropout) or computes it while compiling, as in shape ")
                .append("computations; where it cannot, compilation fails naming the node), or `none` (another ")
                .append("back end has a kernel, this one does not: compiling a model that needs it fails naming the ")
                .append("node, and the conformance runner reports its tests unsupported).\n");
        for (Backend b : backends) {
            md.append("- **").append(b.id()).append("**: ").append(b.description()).append(".\n");
        }
        md.append('\n');
        table(md, ops.stream().filter(op -> op.domain().equals(Node.ONNX_DOMAIN)).toList(), backends);
        List<OpDef> own = ops.stream().filter(op -> !op.domain().equals(Node.ONNX_DOMAIN)).toList();
        if (!own.isEmpty()) {
            md.append("\n## Kiln's own operators\n\n")
                    .append("Made by the fusion passes, never read from a model file.\n\n");
            table(md, own, backends);
        }
        md.append("\n").append(ops.size()).append(" operators.\n");
        return md.toString();
    }

    private static void table(StringBuilder md, List<OpDef> ops, List<Backend> backends) {
        md.append("| Operator | Opsets | Element types | ");
        backends.forEach(b -> md.append(b.id()).append(" | "));
        md.append("Notes |\n|---|---|---|").append("---|".repeat(backends.size())).append("---|\n");
        for (OpDef op : ops) {
            md.append("| ").append(op.domain().isEmpty() ? op.opType() : op.domain() + "." + op.opType())
                    .append(" | ").append(opsets(op))
                    .append(" | ").append(describe(op.elementTypes()))
                    .append(" | ");
            backends.forEach(b -> md.append(howItRuns(op, b, backends)).append(" | "));
            md.append(op.notes().replace("|", "\\|")).append(" |\n");
        }
    }

    /** Like "float, double, float16, bfloat16, int8–int64, uint8–uint64, bool": whole integer families shortened. */
    static String describe(Set<ElementType> types) {
        List<String> parts = new ArrayList<>();
        for (ElementType t : List.of(ElementType.FLOAT, ElementType.DOUBLE, ElementType.FLOAT16, ElementType.BFLOAT16)) {
            if (types.contains(t)) {
                parts.add(t.onnxName());
            }
        }
        family(parts, types, ElementType.INT8, ElementType.INT16, ElementType.INT32, ElementType.INT64);
        family(parts, types, ElementType.UINT8, ElementType.UINT16, ElementType.UINT32, ElementType.UINT64);
        for (ElementType t : types) {
            if (t.ordinal() > ElementType.BFLOAT16.ordinal() || t == ElementType.BOOL || t == ElementType.STRING) {
                parts.add(t.onnxName());
            }
        }
        return String.join(", ", parts);
    }

    private static void family(List<String> parts, Set<ElementType> types, ElementType... widths) {
        if (types.containsAll(List.of(widths))) {
            parts.add(widths[0].onnxName() + "–" + widths[widths.length - 1].onnxName());
            return;
        }
        for (ElementType t : widths) {
            if (types.contains(t)) {
                parts.add(t.onnxName());
            }
        }
    }

    private static String opsets(OpDef op) {
        if (op.minOpset() == op.maxOpset()) {
            return String.valueOf(op.minOpset());
        }
        return op.minOpset() + "–" + op.maxOpset();
    }

    private static String howItRuns(OpDef op, Backend backend, List<Backend> all) {
        String kind = backend.kernelKind(op.domain(), op.opType());
        if (kind != null) {
            return kind;
        }
        if (op.isView(null)) {
            return "view";
        }
        return all.stream().anyMatch(b -> b.hasKernel(op.domain(), op.opType())) ? "none" : "compile time";
    }
}
