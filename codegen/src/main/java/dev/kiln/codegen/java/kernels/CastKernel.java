package dev.kiln.codegen.java.kernels;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.java.JavaKernel;
import dev.kiln.codegen.java.JavaTypes;
import dev.kiln.codegen.java.KernelWriter;
import dev.kiln.codegen.expr.Loops;
import dev.kiln.codegen.java.Runtime;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import java.util.List;

/**
 * Cast and CastLike: each element loaded in its compute type, converted as a C cast
 * would (floats truncate toward zero, integers wrap, 16-bit floats round to nearest
 * even; from double through float, as ONNX Runtime does) and stored. Unsigned 64-bit
 * and string conversions call the runtime's {@code Casts}. CastLike's second input is
 * not read.
 */
public final class CastKernel implements JavaKernel {
    public static final List<String> OPS = List.of("Cast", "CastLike");

    @Override
    public String[] inputNames() {
        return new String[] {"x", "like"};
    }

    @Override
    public void emit(KernelWriter w) {
        KernelWriter.Operand x = w.in(0);
        KernelWriter.Operand y = w.out(0);
        ElementType from = x.elementType();
        ElementType to = y.elementType();
        long[] dims = y.type().dims();
        Loops loops = new Loops(dims, Loops.contiguous(dims), Loops.contiguous(dims));
        w.work(loops.work());
        loops.emit(w.code(), o -> CodeBlock.builder()
                .addStatement("$L v = $L", JavaTypes.compute(from), JavaTypes.load(from, x.at(o[1]), w.runtime()))
                .addStatement("$L = $L", y.at(o[0]), convert(w, from, to, CodeBlock.of("v")))
                .build());
    }

    /** An expression of {@code to}'s storage type holding {@code v} (of {@code from}'s compute type) converted. */
    static CodeBlock convert(KernelWriter w, ElementType from, ElementType to, CodeBlock v) {
        Runtime rt = w.runtime();
        ClassName casts = rt.get("Casts");
        if (from == to) {
            return JavaTypes.store(to, v, rt);
        }
        if (from == ElementType.STRING) {
            return JavaTypes.store(to, parse(w, to, v, casts), rt);
        }
        if (to == ElementType.STRING) {
            return format(from, v, casts);
        }
        if (to == ElementType.BOOL) {
            return CodeBlock.of("$L != 0", v);
        }
        String target = JavaTypes.compute(to);
        if (from == ElementType.BOOL) {
            return JavaTypes.store(to, CodeBlock.of("$L ? ($L) 1 : ($L) 0", v, target, target), rt);
        }
        if (from == ElementType.UINT64 && to.isFloat()) {
            String method = to == ElementType.DOUBLE ? "unsignedToDouble" : "unsignedToFloat";
            return JavaTypes.store(to, CodeBlock.of("$T.$L($L)", casts, method, v), rt);
        }
        if (from.isFloat() && to.isInteger()) {
            return JavaTypes.store(to, floatToInteger(to, v, casts), rt);
        }
        boolean sameCompute = JavaTypes.compute(from).equals(target);
        return JavaTypes.store(to, sameCompute ? v : CodeBlock.of("($L) $L", target, v), rt);
    }

    /**
     * A float truncated toward zero into {@code to}'s compute type. Narrow targets go
     * through a 32-bit (uint32: 64-bit) integer and wrap, as C compilers on x86 do.
     */
    private static CodeBlock floatToInteger(ElementType to, CodeBlock v, ClassName casts) {
        return switch (to) {
            case UINT64 -> CodeBlock.of("$T.doubleToUnsigned($L)", casts, v);
            case INT64 -> CodeBlock.of("(long) $L", v);
            case UINT32 -> CodeBlock.of("(long) $L", v);
            default -> CodeBlock.of("(int) $L", v);
        };
    }

    /** A string parsed into {@code to}'s compute type. */
    private static CodeBlock parse(KernelWriter w, ElementType to, CodeBlock s, ClassName casts) {
        return switch (to) {
            case DOUBLE -> CodeBlock.of("$T.parseDouble($L)", casts, s);
            case FLOAT, FLOAT16, BFLOAT16 -> CodeBlock.of("(float) $T.parseDouble($L)", casts, s);
            case UINT64 -> CodeBlock.of("$T.parseUnsignedLong($L)", casts, s);
            case INT64, UINT32 -> CodeBlock.of("$T.parseLong($L)", casts, s);
            case INT8, UINT8, INT16, UINT16, INT32 -> CodeBlock.of("(int) $T.parseLong($L)", casts, s);
            default -> throw new CompileException(w.node().describe() + ": cannot cast string to " + to.onnxName());
        };
    }

    /** A number of {@code from}'s compute type printed as ONNX Runtime prints it. */
    private static CodeBlock format(ElementType from, CodeBlock v, ClassName casts) {
        return switch (from) {
            case UINT64 -> CodeBlock.of("Long.toUnsignedString($L)", v);
            case FLOAT, FLOAT16, BFLOAT16, DOUBLE -> CodeBlock.of("$T.format($L)", casts, v);
            default -> CodeBlock.of("String.valueOf($L)", v);
        };
    }
}
