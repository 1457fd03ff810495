package dev.kiln.codegen.java;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.target.TargetProfile;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a {@link JavaKernel} gets to write one node's method: the node, its
 * operands (the inputs and outputs passed as array + offset), the CPU profile, the
 * workspace slice when the kernel asked for scratch, a code builder for the body,
 * and the amount of parallel work.
 */
public final class KernelWriter {
    /**
     * One array parameter pair of the kernel method.
     *
     * @param index the input or output index on the node
     * @param array the array parameter's name, e.g. {@code x}
     * @param offset the offset parameter's name, e.g. {@code xo}
     * @param output whether this is an output (else an input)
     */
    public record Operand(int index, String array, String offset, TensorType type, boolean output) {
        public ElementType elementType() {
            return type.elementType();
        }

        /** {@code x[xo + index]} for an index expression. */
        public CodeBlock at(Object index) {
            return CodeBlock.of("$L[$L + $L]", array, offset, index);
        }
    }

    private final Node node;
    private final TargetProfile profile;
    private final long scratchFloats;
    private final Runtime runtime;
    private final ConstantTables tables;
    private final String tableOwner;
    private final boolean inVectorClass;
    private final HelperMethods helperMethods;
    private final List<Operand> inputs = new ArrayList<>();
    private final List<Operand> outputs = new ArrayList<>();
    /** Below this many operations a step runs on the calling thread alone: handing it out costs more. */
    public static final long PARALLEL_MIN_COST = 1 << 15;

    private final CodeBlock.Builder code = CodeBlock.builder();
    private int work = 1;
    private long cost = -1;
    private int locals;

    /**
     * Where a kernel's method goes: the model class, or the vector kernel class.
     *
     * @param tables the model class's lookup tables
     * @param tableOwner how the kernel's class refers to them: "" in the model class itself,
     *     {@code "Model."} in a kernel class of its own
     * @param vectorClass whether it is the vector kernel class
     * @param helperMethods the methods kernels of the class add besides their own
     */
    record ClassContext(Runtime runtime, ConstantTables tables, String tableOwner, boolean vectorClass,
                        HelperMethods helperMethods) {
    }

    KernelWriter(Node node, OpDef op, JavaKernel kernel, TargetProfile profile, ClassContext context) {
        this.node = node;
        this.runtime = context.runtime();
        this.tables = context.tables();
        this.tableOwner = context.tableOwner();
        this.inVectorClass = context.vectorClass();
        this.helperMethods = context.helperMethods();
        this.profile = profile;
        this.scratchFloats = kernel.scratchFloats(node, profile);
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

    public Runtime runtime() {
        return runtime;
    }

    /** The CPU profile the model is compiled for. */
    public TargetProfile profile() {
        return profile;
    }

    /**
     * Whether the method receives a workspace slice: floats {@code ws[wso]} to
     * {@code ws[wso + scratch - 1]}, its own while the part runs, contents undefined at entry.
     */
    public boolean hasWorkspace() {
        return scratchFloats > 0;
    }

    /** The floats of workspace the kernel asked for ({@link JavaKernel#scratchFloats}). */
    public long scratchFloats() {
        return scratchFloats;
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

    /** The method body under construction. */
    public CodeBlock.Builder code() {
        return code;
    }

    /**
     * Declares that the kernel's work splits into {@code n} independent items, indices
     * {@code [0, n)}; the method receives a sub-range {@code [lo, hi)} and must do exactly
     * those items. The default is 1: one item, the whole node.
     */
    public void work(int n) {
        this.work = Math.max(1, n);
    }

    public int work() {
        return work;
    }

    /** Declares roughly how many arithmetic operations the whole node takes (default: its output size). */
    public void cost(long operations) {
        this.cost = operations;
    }

    public long cost() {
        if (cost >= 0) {
            return cost;
        }
        long n = 0;
        for (Operand o : outputs) {
            n += o.type().size();
        }
        return n;
    }

    /** A compile-time table the kernel reads, as a static field of the model class; returns the field name. */
    public String intTable(String prefix, int[] values) {
        return tableOwner + tables.ints(prefix, values);
    }

    /** Like {@link #intTable}, for float values. */
    public String floatTable(String prefix, float[] values) {
        return tableOwner + tables.floats(prefix, values);
    }

    /** Like {@link #intTable}, for double values. */
    public String doubleTable(String prefix, double[] values) {
        return tableOwner + tables.doubles(prefix, values);
    }

    /**
     * How vector kernels spell arithmetic on {@code FloatVector}s of the kernel class's species
     * {@code S}: a new spelling for each method that uses one.
     */
    public VectorSpelling vectorSpelling() {
        if (!inVectorClass) {
            throw new IllegalStateException("only kernels of the vector kernel class spell vectors");
        }
        return new VectorSpelling();
    }

    /** The float lanes of one vector, for vector kernels: the CPU profile's. */
    public int lanes() {
        return profile.vectorFloats();
    }

    /**
     * Adds a static method the kernel calls, such as its register tile, to the kernel's class
     * (identical ones are emitted once); returns the name to call it by.
     *
     * @param baseName the method's name before the number that keeps it unique, e.g. {@code convTile}
     */
    public String helperMethod(String baseName, MethodSpec method) {
        return helperMethods.add(baseName, method);
    }

    /** A fresh local variable name with the given prefix, for nested helpers. */
    public String local(String prefix) {
        return prefix + (locals++);
    }

    CodeBlock body() {
        return code.build();
    }
}
