package dev.kiln.codegen.java.vector;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.KernelWriter;

/**
 * The loop of an element-wise vector kernel over a contiguous output: work items
 * are chunks of {@link #CHUNK} elements (a whole number of vectors); each chunk runs
 * whole vectors, then the last chunk's few remaining elements one at a time. (Not as a
 * masked vector: JDK 17 does not compile masked loads and stores to vector instructions
 * on AVX2, and boxes them on every call.)
 */
final class ElementwiseLoop {
    /** Elements per work item: large enough to be worth a thread, a multiple of every vector width. */
    static final int CHUNK = 4096;

    /**
     * Elements a tensor needs at least for its element-wise op to get a vector kernel. A
     * method that runs rarely stays in the JIT's first tiers, where every Vector API
     * operation allocates its vector on the heap: the Sigmoid and Mul of EfficientNet's
     * squeeze-and-excitation blocks (8 to 40 elements, one pass per call) allocated two
     * kilobytes per call after 2000 calls. For so few elements the scalar kernel costs
     * nothing.
     */
    static final long MIN_ELEMENTS = 1024;

    private ElementwiseLoop() {
    }

    /**
     * Emits the loop over {@code size} elements.
     *
     * @param vectorBody the statements for the vector at element index {@code i}
     * @param scalarBody the statements for the single element at index {@code i}
     */
    static void emit(KernelWriter w, long size, CodeBlock vectorBody, CodeBlock scalarBody) {
        int chunks = (int) ((size + CHUNK - 1) / CHUNK);
        w.work(chunks);
        CodeBlock.Builder k = w.code();
        k.addStatement("int from = lo * $L", CHUNK);
        k.addStatement("int to = Math.min($L, hi * $L)", size, CHUNK);
        k.addStatement("int i = from");
        k.beginControlFlow("for (; i <= to - L; i += L)");
        k.add(vectorBody);
        k.endControlFlow();
        if (size % w.lanes() != 0) {
            k.add("// The last $L element(s) do not fill a vector.\n", size % w.lanes());
            k.beginControlFlow("for (; i < to; i++)");
            k.add(scalarBody);
            k.endControlFlow();
        }
    }
}
