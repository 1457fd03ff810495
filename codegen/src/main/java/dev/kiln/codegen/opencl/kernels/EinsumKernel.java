package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Einsum;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Einsum: one work item per output element, which loops over the summed indices
 * around the product of the inputs. Each input is addressed with its own stride per
 * index, so transposes, diagonals and broadcasting need no copies.
 */
public final class EinsumKernel implements ClKernel {
    @Override
    public String[] inputNames() {
        String[] names = new String[26];
        for (int i = 0; i < names.length; i++) {
            names[i] = "in" + i;
        }
        return names;
    }

    @Override
    public void emit(ClKernelWriter w) {
        Einsum.Params p = Einsum.params(w.node());
        ElementType t = w.out(0).elementType();
        long[] sizes = p.sizes();
        int inputs = p.strides().length;
        int outputs = p.outputs();
        long[][] outerStrides = new long[inputs + 1][];
        outerStrides[0] = Loops.contiguous(p.outDims());
        for (int op = 0; op < inputs; op++) {
            outerStrides[op + 1] = Arrays.copyOf(p.strides()[op], outputs);
        }
        w.perElement("i", w.out(0).type().size());
        CodeBlock.Builder k = w.code();
        for (int v = 0; v < sizes.length; v++) {
            String label = p.labels()[v].startsWith("#") ? "..." + p.labels()[v] : p.labels()[v];
            k.add("// index $L: label $L ($L)\n", v, label, v < outputs ? "output axis " + v : "summed as s" + v);
        }
        String[] offsets = new String[inputs];
        new Loops(p.outDims(), outerStrides).emitAt(k, "i", o -> {
            CodeBlock.Builder b = CodeBlock.builder();
            for (int op = 0; op < inputs; op++) {
                b.addStatement("int a$L = $L", op, o[op + 1]);
                offsets[op] = "a" + op;
            }
            return b.build();
        });
        k.addStatement("$L sum = 0", ClTypes.compute(t));
        for (int v = outputs; v < sizes.length; v++) {
            k.beginControlFlow("for (int s$L = 0; s$L < $L; s$L++)", v, v, sizes[v], v);
            for (int op = 0; op < inputs; op++) {
                long stride = p.strides()[op][v];
                if (stride != 0) {
                    offsets[op] += " + " + (stride == 1 ? "s" + v : "s" + v + " * " + stride);
                }
            }
        }
        List<String> factors = new ArrayList<>();
        for (int op = 0; op < inputs; op++) {
            factors.add(w.in(op).load(offsets[op]).toString());
        }
        k.addStatement("sum += $L", String.join(" * ", factors));
        for (int v = outputs; v < sizes.length; v++) {
            k.endControlFlow();
        }
        k.addStatement("$L", w.out(0).store("i", CodeBlock.of("sum")));
    }
}
