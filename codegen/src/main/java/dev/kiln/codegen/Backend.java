package dev.kiln.codegen;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.target.CodegenTarget;
import java.util.List;

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

    /** Whether this back end has a kernel for the node's op. */
    default boolean supports(Node node) {
        return hasKernel(node.domain(), node.opType());
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
