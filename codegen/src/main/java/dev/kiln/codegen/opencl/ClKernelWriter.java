package dev.kiln.codegen.opencl;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpDef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What a {@link ClKernel} gets to write one node's kernel: the node, its operands
 * (the inputs and outputs passed as buffer + element offset), a code builder for
 * the body, and the NDRange it runs over with its work-group size.
 */
public final class ClKernelWriter {
    /** Work items per work-group of the one-item-per-element kernels: a multiple of every device's SIMD width. */
    public static final int GROUP = 64;

    /**
     * One buffer parameter pair of the kernel.
     *
     * @param index the input or output index on the node
     * @param name the buffer parameter's name, e.g. {@code x}
     * @param offset the offset parameter's name, e.g. {@code xo}
     * @param output whether this is an output (else an input)
     */
    public record Operand(int index, String name, String offset, TensorType type, boolean output) {
        public ElementType elementType() {
            return type.elementType();
        }

        /** Element {@code index} (relative to the tensor's start) as an expression of the compute type. */
        public CodeBlock load(Object index) {
            return ClTypes.load(elementType(), name, at(index));
        }

        /** A statement (without its semicolon) storing {@code value} as element {@code index}. */
        public CodeBlock store(Object index, CodeBlock value) {
            return ClTypes.store(elementType(), name, at(index), value);
        }

        /** Element {@code index} as stored ({@code x[xo + index]}), for copies that move bits unchanged. */
        public CodeBlock raw(Object index) {
            return CodeBlock.of("$L[$L]", name, at(index));
        }

        private String at(Object index) {
            String i = index.toString();
            return i.equals("0") ? offset : offset + " + " + i;
        }

        /** The parameter declarations, e.g. {@code __global const float* x, int xo}. */
        String parameters() {
            return "__global " + (output ? "" : "const ") + ClTypes.element(elementType()) + "* " + name + ", int " + offset;
        }
    }

    private final Node node;
    private final List<Operand> inputs = new ArrayList<>();
    private final List<Operand> outputs = new ArrayList<>();
    private final CodeBlock.Builder code = CodeBlock.builder();
    private long[] global = {};
    private long[] local = {};
    private String errorMessage;

    ClKernelWriter(Node node, OpDef op, ClKernel kernel) {
        this.node = node;
        String[] inNames = kernel.inputNames();
        for (int i = 0; i < node.inputCount(); i++) {
            Value v = node.input(i);
            if (v != null && !op.isStaticInput(node, i)) {
                String name = i < inNames.length ? inNames[i] : "in" + i;
                inputs.add(new Operand(i, name, name + "o", v.type(), false));
            }
        }
        String[] outNames = kernel.outputNames();
        for (int i = 0; i < node.outputs().size(); i++) {
            Value v = node.output(i);
            if (v != null) {
                String name = i < outNames.length ? outNames[i] : "out" + i;
                outputs.add(new Operand(i, name, name + "o", v.type(), true));
            }
        }
    }

    public Node node() {
        return node;
    }

    /** The operand for input {@code i}; the input must be present and not read at compile time. */
    public Operand in(int i) {
        for (Operand o : inputs) {
            if (o.index() == i) {
                return o;
            }
        }
        throw new IllegalStateException(node.describe() + ": input " + i + " is not a kernel operand");
    }

    /** Whether input {@code i} is passed to the kernel (present and not compile-time). */
    public boolean hasIn(int i) {
        return inputs.stream().anyMatch(o -> o.index() == i);
    }

    /** The operand for output {@code i}. */
    public Operand out(int i) {
        for (Operand o : outputs) {
            if (o.index() == i) {
                return o;
            }
        }
        throw new IllegalStateException(node.describe() + ": output " + i + " is not produced");
    }

    public boolean hasOut(int i) {
        return outputs.stream().anyMatch(o -> o.index() == i);
    }

    public List<Operand> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    public List<Operand> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /** The kernel body under construction. */
    public CodeBlock.Builder code() {
        return code;
    }

    /**
     * Declares the NDRange: {@code global} work items per dimension (each a multiple of
     * the matching {@code local}), in work-groups of {@code local}. Without a call the
     * kernel is not run at all (it has nothing to do).
     */
    public void range(long[] global, long[] local) {
        if (global.length != local.length || global.length < 1 || global.length > 3) {
            throw new IllegalArgumentException("an NDRange has 1 to 3 dimensions, each with a work-group size");
        }
        for (int d = 0; d < global.length; d++) {
            if (local[d] < 1 || global[d] % local[d] != 0) {
                throw new IllegalArgumentException("global size " + global[d] + " is not a multiple of " + local[d]);
            }
        }
        this.global = global.clone();
        this.local = local.clone();
    }

    /**
     * One work item per element of {@code count}: declares {@code int var} as the item's
     * index and returns from the items past the end (the range is rounded up to whole
     * work-groups of at most {@link #GROUP}). Nothing runs when {@code count} is 0.
     */
    public void perElement(String var, long count) {
        if (count == 0) {
            return;
        }
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(node.describe() + ": " + count + " work items do not fit an int index");
        }
        long group = Math.min(GROUP, Long.highestOneBit(count) == count ? count : Long.highestOneBit(count) * 2);
        range(new long[] {roundUp(count, group)}, new long[] {group});
        code.addStatement("int $L = get_global_id(0)", var);
        if (count % group != 0) {
            code.beginControlFlow("if ($L >= $L)", var, count).addStatement("return").endControlFlow();
        }
    }

    /**
     * Gives the kernel a way to report bad input that only the run can see (an index out
     * of range): it receives {@code __global int* error} and {@code int erroro} and sets
     * {@code error[erroro] = 1}; the host then fails the run with {@code message}, which
     * should name the node. Returns the statement that sets the flag.
     */
    public String reportsError(String message) {
        this.errorMessage = message;
        return "error[erroro] = 1";
    }

    /** The message for a run whose kernel set its error flag, or null if it cannot fail. */
    String errorMessage() {
        return errorMessage;
    }

    /** {@code n} rounded up to a multiple of {@code m}. */
    public static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    long[] global() {
        return global.clone();
    }

    long[] local() {
        return local.clone();
    }

    /** Whether the kernel runs at all. */
    boolean runs() {
        return global.length > 0 && Arrays.stream(global).allMatch(g -> g > 0);
    }

    CodeBlock body() {
        return code.build();
    }
}
