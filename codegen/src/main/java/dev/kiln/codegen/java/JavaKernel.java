package dev.kiln.codegen.java;

/**
 * Writes the Java method that computes one kind of node. The method receives,
 * for each input and output the kernel reads or writes, an array and an element
 * offset (named after {@link #inputNames()} / {@link #outputNames()}: {@code x, xo}),
 * and a range {@code [lo, hi)} of the work the kernel declared with
 * {@link KernelWriter#work(int)}. Shapes and attributes are compile-time
 * constants, written into the code as literals.
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

    /** Writes the method body for {@code w.node()}. */
    void emit(KernelWriter w);
}
