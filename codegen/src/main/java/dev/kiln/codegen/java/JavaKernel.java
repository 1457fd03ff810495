package dev.kiln.codegen.java;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.target.TargetProfile;

/**
 * Writes the Java method that computes one kind of node. The method receives,
 * for each input and output the kernel reads or writes, an array and an element
 * offset (named after {@link #inputNames()} / {@link #outputNames()}: {@code x, xo}),
 * and a range {@code [lo, hi)} of the work the kernel declared with
 * {@link KernelWriter#work(int)}. Shapes and attributes are compile-time
 * constants, written into the code as literals. A kernel that needs scratch memory
 * says how much ({@link #scratchFloats}); its method then also receives its part's
 * slice of the calling thread's workspace ({@code ws} from offset {@code wso}).
 */
public interface JavaKernel {
    /** Parameter names for the node's inputs, in input order. */
    default String[] inputNames() {
        return new String[] {"a", "b", "c", "d"};
    }

    /** Parameter names for the node's outputs, in output order. */
    default String[] outputNames() {
        return new String[] {"y", "y1", "y2"};
    }

    /**
     * Floats of scratch memory one part of {@code node}'s work needs, 0 for none. The
     * memory planner reserves the largest such need once per part.
     */
    default long scratchFloats(Node node, TargetProfile profile) {
        return 0;
    }

    /**
     * Whether this kernel can run {@code node} (a vector kernel may take only some element
     * types or shapes of its op; the scalar kernel runs the rest). Default: every node of its op.
     */
    default boolean handles(Node node) {
        return true;
    }

    /**
     * For the operator table: which nodes of {@code op} a vector kernel takes (the scalar kernel
     * runs the rest), in a few words. Default: the float ones.
     */
    default String vectorScope(String op) {
        return "float";
    }

    /** Writes the method body for {@code w.node()}. */
    void emit(KernelWriter w);
}
