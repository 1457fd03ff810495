package dev.kiln.codegen.opencl.kernels;

import com.palantir.javapoet.CodeBlock;
import dev.kiln.codegen.opencl.ClKernel;
import dev.kiln.codegen.opencl.ClKernelWriter;
import dev.kiln.codegen.opencl.ClTypes;
import dev.kiln.compiler.ir.ElementType;
import java.util.List;

/**
 * Cast and CastLike, converting as the java back end does: floats to integers
 * truncate toward zero with Java's saturation (NaN gives 0, through a 32-bit integer
 * for the narrow types, which then wrap); integers wrap; 16-bit floats round to
 * nearest even; double goes to the 16-bit floats through float. CastLike's second
 * input is not read.
 */
public final class CastKernel implements ClKernel {
    public static final List<String> OPS = List.of("Cast", "CastLike");

    @Override
    public String[] inputNames() {
        return new String[] {"x", "like"};
    }

    @Override
    public void emit(ClKernelWriter w) {
        ClKernelWriter.Operand x = w.in(0);
        ClKernelWriter.Operand y = w.out(0);
        ElementType from = x.elementType();
        ElementType to = y.elementType();
        w.perElement("i", y.type().size());
        w.code().addStatement("$L v = $L", ClTypes.compute(from), x.load("i"));
        w.code().addStatement("$L", y.store("i", convert(from, to, CodeBlock.of("v"))));
    }

    /** {@code v}, of {@code from}'s compute type, converted to {@code to}'s compute type. */
    private static CodeBlock convert(ElementType from, ElementType to, CodeBlock v) {
        String target = ClTypes.compute(to);
        if (from == to) {
            return v;
        }
        if (to == ElementType.BOOL) {
            return CodeBlock.of("$L != 0", v);
        }
        if (from.isFloat() && to.isInteger()) {
            return switch (to) {
                case UINT64 -> CodeBlock.of("($L >= 0x1p63f ? (ulong) convert_long_sat($L - 0x1p63f) ^ 0x8000000000000000UL"
                        + " : (ulong) convert_long_sat($L))", v, v, v);
                case INT64 -> CodeBlock.of("convert_long_sat($L)", v);
                case UINT32 -> CodeBlock.of("(uint) convert_long_sat($L)", v);
                default -> CodeBlock.of("convert_int_sat($L)", v);
            };
        }
        return CodeBlock.of("($L) $L", target, v);
    }
}
