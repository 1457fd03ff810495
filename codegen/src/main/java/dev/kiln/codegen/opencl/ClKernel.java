package dev.kiln.codegen.opencl;

/**
 * Writes the OpenCL C kernel that computes one kind of node. The kernel receives,
 * for each input and output it reads or writes, a buffer and the element offset of
 * the tensor in it (named after {@link #inputNames()} / {@link #outputNames()}:
 * {@code x, xo}). Shapes and attributes are compile-time constants, written into
 * the code as literals; the kernel declares its NDRange and work-group size with
 * {@link ClKernelWriter#range}.
 */
public interface ClKernel {
    /** Parameter names for the node's inputs, in input order. */
    default String[] inputNames() {
        return new String[] {"a", "b", "c", "d"};
    }

    /** Parameter names for the node's outputs, in output order. */
    default String[] outputNames() {
        return new String[] {"y", "y1", "y2"};
    }

    /** Writes the kernel body for {@code w.node()}. */
    void emit(ClKernelWriter w);
}
