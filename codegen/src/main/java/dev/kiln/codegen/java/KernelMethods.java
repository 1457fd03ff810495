package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import dev.kiln.codegen.SourceText;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpDef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.Modifier;

/**
 * The kernel methods of one generated class: each node's kernel writes a static
 * method, and nodes whose methods come out identical share one, named after the
 * first node's op ({@code conv_3}).
 */
final class KernelMethods {
    /** One node's kernel as the step that calls it needs it. */
    record Emitted(String method, List<KernelWriter.Operand> operands, boolean workspace, int work, long cost) {
    }

    private final Modifier visibility;
    private final Map<String, MethodSpec> byKey = new LinkedHashMap<>();
    private final Map<String, Integer> perOp = new HashMap<>();
    private final Map<String, List<Node>> users = new HashMap<>();
    private int largestBody;

    /** @param visibility {@code PRIVATE} in the model class, package-private (null) in a kernel class of its own */
    KernelMethods(Modifier visibility) {
        this.visibility = visibility;
    }

    /** Writes {@code w}'s kernel for its node, or finds the identical method written before. */
    Emitted emit(KernelWriter w, JavaKernel kernel) {
        Node node = w.node();
        try {
            kernel.emit(w);
        } catch (RuntimeException e) {
            if (e instanceof CompileException) {
                throw e;
            }
            throw new CompileException(node.describe() + ": cannot generate its kernel: " + e, e);
        }
        MethodSpec.Builder m = MethodSpec.methodBuilder("kernel").addModifiers(Modifier.STATIC);
        if (visibility != null) {
            m.addModifiers(visibility);
        }
        List<KernelWriter.Operand> operands = new ArrayList<>(w.inputs());
        operands.addAll(w.outputs());
        for (KernelWriter.Operand o : operands) {
            m.addParameter(JavaTypes.arrayType(o.elementType().storage()), o.array());
            m.addParameter(TypeName.INT, o.offset());
        }
        if (w.hasWorkspace()) {
            m.addParameter(float[].class, "ws").addParameter(TypeName.INT, "wso");
        }
        m.addParameter(TypeName.INT, "lo").addParameter(TypeName.INT, "hi");
        CodeBlock body = w.body();
        String key = m.build().parameters() + "\n" + body;
        largestBody = Math.max(largestBody, body.toString().length());
        MethodSpec method = byKey.get(key);
        if (method == null) {
            String base = Character.toLowerCase(node.opType().charAt(0)) + node.opType().substring(1);
            String name = base + "_" + perOp.merge(base, 1, Integer::sum);
            method = m.setName(name).addCode(body).build();
            byKey.put(key, method);
        }
        users.computeIfAbsent(method.name(), k -> new ArrayList<>()).add(node);
        return new Emitted(method.name(), operands, w.hasWorkspace(), w.work(), w.cost());
    }

    /** The methods, each documented with the node(s) it runs. */
    List<MethodSpec> methods() {
        List<MethodSpec> methods = new ArrayList<>();
        for (MethodSpec m : byKey.values()) {
            methods.add(m.toBuilder().addJavadoc(kernelDoc(users.get(m.name()))).build());
        }
        return methods;
    }

    int size() {
        return byKey.size();
    }

    /** The longest method body, in characters of source. */
    int largestBody() {
        return largestBody;
    }

    private static CodeBlock kernelDoc(List<Node> nodes) {
        Node first = nodes.get(0);
        CodeBlock.Builder b = CodeBlock.builder();
        b.add("$L $L: ", first.qualifiedOpType(), first.name().isEmpty() ? "(unnamed)" : "'" + SourceText.comment(first.name()) + "'");
        List<String> ins = new ArrayList<>();
        for (Value v : first.inputs()) {
            if (v != null) {
                ins.add(v.type().toString());
            }
        }
        List<String> outs = new ArrayList<>();
        for (Value v : first.outputs()) {
            if (v != null) {
                outs.add(v.type().toString());
            }
        }
        b.add("$L -> $L.", String.join(", ", ins), String.join(", ", outs));
        if (nodes.size() > 1) {
            b.add("\nAlso runs $L other node$L of the same shape.", nodes.size() - 1, nodes.size() > 2 ? "s" : "");
        }
        return b.build();
    }
}
