package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ops.Einsum;
import java.util.ArrayList;
import java.util.List;

/**
 * Einsum as one loop nest per equation: a loop per output index (the outermost
 * over the work range), then a loop per summed index around the product of the
 * inputs. Each input is addressed with its own stride per index, so transposes,
 * diagonals and broadcasting need no copies.
 */
public final class EinsumKernel implements JavaKernel {
    @Override
    public String[] inputNames() {
        String[] names = new String[26];
        for (int i = 0; i < names.length; i++) {
            names[i] = "in" + i;
        }
        return names;
    }

    @Override
    public void emit(KernelWriter w) {
        Einsum.Params p = Einsum.params(w.node());
        ElementType t = w.out(0).elementType();
        long[] sizes = p.sizes();
        int inputs = p.strides().length;
        long[] outStrides = Loops.contiguous(p.outDims());
        long total = 1;
        for (long s : sizes) {
            total *= s;
        }
        w.work(p.outputs() == 0 ? 1 : (int) sizes[0]);
        w.cost(total * inputs);
        CodeBlock.Builder k = w.code();
        // offsets[i]: input i's offset so far; "y" the output's
        String[] offsets = new String[inputs + 1];
        for (int i = 0; i < inputs; i++) {
            offsets[i] = w.in(i).offset();
        }
        offsets[inputs] = "yo";
        if (p.outputs() == 0) {
            k.beginControlFlow("for (int item = lo; item < hi; item++)");
        }
        for (int v = 0; v < sizes.length; v++) {
            String i = "i" + v;
            if (v == p.outputs()) {
                k.addStatement("$L sum = 0", JavaTypes.compute(t));
            }
            String role = v < p.outputs() ? "output axis " + v : "summed";
            k.add("// $L: label $L ($L)\n", i, p.labels()[v].startsWith("#") ? "..." + p.labels()[v] : p.labels()[v], role);
            if (v == 0 && p.outputs() > 0) {
                k.beginControlFlow("for (int $L = lo; $L < hi; $L++)", i, i, i);
            } else {
                k.beginControlFlow("for (int $L = 0; $L < $L; $L++)", i, i, sizes[v], i);
            }
            for (int op = 0; op <= inputs; op++) {
                long stride = op == inputs ? (v < p.outputs() ? outStrides[v] : 0) : p.strides()[op][v];
                if (stride != 0) {
                    String name = (op == inputs ? "y" : "a" + op) + "_" + v;
                    k.addStatement("int $L = $L + $L", name, offsets[op], stride == 1 ? i : i + " * " + stride);
                    offsets[op] = name;
                }
            }
        }
        List<String> factors = new ArrayList<>();
        for (int op = 0; op < inputs; op++) {
            factors.add(JavaTypes.load(t, CodeBlock.of("$L[$L]", w.in(op).array(), offsets[op]), w.runtime()).toString());
        }
        String product = String.join(" * ", factors);
        if (p.outputs() == sizes.length) {
            // nothing is summed: each output element is one product
            k.addStatement("y[$L] = $L", offsets[inputs], JavaTypes.store(t, CodeBlock.of("$L", product), w.runtime()));
        } else {
            k.addStatement("sum += $L", product);
        }
        for (int v = sizes.length - 1; v >= 0; v--) {
            k.endControlFlow();
            if (v == p.outputs()) {
                k.addStatement("y[$L] = $L", offsets[inputs], JavaTypes.store(t, CodeBlock.of("sum"), w.runtime()));
            }
        }
        if (p.outputs() == 0) {
            k.endControlFlow();
        }
    }
}
