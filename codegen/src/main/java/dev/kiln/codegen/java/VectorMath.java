package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;

/**
 * The error function of the vector kernels, as a polynomial on whole vectors (the Vector
 * API has no erf lane operation), with e^x by the API's {@code EXP}, which the JDK compiles
 * to its vector math library (SVML on x86-64) and which keeps {@code Math.exp}'s NaN and
 * infinities; measured on JDK 17 and 25: no allocation, within 1 ulp. Its accuracy is well
 * within the tolerances Kiln is tested to (1.5e-7 absolute); it keeps NaN, and erf(+-inf) = +-1.
 *
 * <p>Negation is a multiplication by -1 (the same float, sign and NaN included): JDK 17's
 * C2 does not always compile the Vector API's {@code neg()} to a vector instruction, and
 * every operation after one it did not compile runs the API's allocating Java fallback.
 *
 * <p>It is written as statements into the kernel's own code, with local names under a
 * prefix, not as a method: a {@code FloatVector} passed to a method that the JIT does
 * not inline (and it does not inline one from a cold call site, or once it is compiled
 * on its own) is boxed on every call.
 */
final class VectorMath {
    private static final ClassName FLOAT_VECTOR = VectorSpelling.FLOAT_VECTOR;
    private static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");

    private VectorMath() {
    }

    /**
     * erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): for x >= 0,
     * 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^(-x^2) with t = 1 / (1 + p x); odd.
     */
    static String erf(CodeBlock.Builder b, CodeBlock x, String p) {
        b.add("// $Ly = erf($Lx).\n", p, p);
        b.addStatement("$T $Lx = $L", FLOAT_VECTOR, p, x);
        b.addStatement("$T $La = $Lx.abs()", FLOAT_VECTOR, p, p);
        b.addStatement("$T $Lt = $T.broadcast(S, 1f).div($La.mul(0.3275911f).add(1f))", FLOAT_VECTOR, p, FLOAT_VECTOR, p);
        b.addStatement("$T $Lpoly = $Lt.mul(1.061405429f).add(-1.453152027f).mul($Lt).add(1.421413741f)"
                + ".mul($Lt).add(-0.284496736f).mul($Lt).add(0.254829592f).mul($Lt)", FLOAT_VECTOR, p, p, p, p, p, p);
        b.addStatement("$T $Ly = $Lpoly.mul($La.mul($La.mul(-1f)).lanewise($T.EXP)).mul(-1f).add(1f)", FLOAT_VECTOR, p,
                p, p, p, OPERATORS);
        b.add("// erf(-x) = -erf(x); NaN stays NaN through abs, the polynomial and exp.\n");
        b.addStatement("$Ly = $Ly.blend($Ly.mul(-1f), $Lx.lt(0f))", p, p, p, p);
        return p + "y";
    }
}
