package dev.kiln.codegen;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.target.CodegenTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A back end: turns a planned graph into source. It tells the compiler, before any
 * code is written, which passes prepare the graph for its kernels and how much
 * scratch memory they need ({@link CodegenTarget}); it says which ops it has kernels
 * for; and it says what javac and the JVM need to compile and run its output.
 * Generated output may span several source files.
 */
public interface Backend extends CodegenTarget {
    /** One line for listings, e.g. "plain Java 8, scalar loops". */
    String description();

    /** Whether this back end has a kernel for {@code op} of {@code domain} ("" for ONNX). */
    boolean hasKernel(String domain, String op);

    /**
     * How this back end runs {@code op} for the operator table: {@code "kernel"}, or a more
     * specific word; null where it has no kernel.
     */
    default String kernelKind(String domain, String op) {
        return hasKernel(domain, op) ? "kernel" : null;
    }

    /**
     * Which kernel runs {@code node} in this back end's output, for the compile report, e.g.
     * {@code vector: VectorFusedConvKernel}; null where it has none.
     */
    default String kernelOf(Node node) {
        return supports(node) ? "kernel" : null;
    }

    /** Whether this back end can run the node: by default, whether it has a kernel for the node's op. */
    default boolean supports(Node node) {
        return hasKernel(node.domain(), node.opType());
    }

    /**
     * Fails with one message naming every op among {@code nodes} this back end cannot run
     * ({@link #supports}), with up to three of its nodes each.
     *
     * @throws CompileException if there is any
     */
    default void requireKernels(List<Node> nodes) {
        Map<String, List<String>> missing = new LinkedHashMap<>();
        for (Node n : nodes) {
            if (!supports(n)) {
                String op = n.qualifiedOpType();
                missing.computeIfAbsent(op + " (opset " + n.opset() + ")", k -> new ArrayList<>())
                        .add(n.name().isEmpty() ? "(unnamed)" : "'" + n.name() + "'");
            }
        }
        if (!missing.isEmpty()) {
            StringBuilder s = new StringBuilder("the " + id() + " back end has no kernel for " + missing.size() + " op"
                    + (missing.size() > 1 ? "s" : "") + ": ");
            int i = 0;
            for (Map.Entry<String, List<String>> e : missing.entrySet()) {
                s.append(i++ == 0 ? "" : "; ").append(e.getKey()).append(" at ")
                        .append(String.join(", ", e.getValue().subList(0, Math.min(3, e.getValue().size()))));
            }
            throw new CompileException(s.toString());
        }
    }

    /** The javac options its sources need, e.g. {@code --release 8}. */
    List<String> javacOptions();

    /** The JVM options its classes need at run time (none for plain Java). */
    List<String> jvmOptions();

    /**
     * Writes the sources for a compilation that was prepared for this back end
     * (its passes ran, its scratch was planned).
     */
    GeneratedModel generate(Compilation compilation, GenerateOptions options);
}
