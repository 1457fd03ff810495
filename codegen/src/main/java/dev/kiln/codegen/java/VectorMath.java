package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;

/**
 * The elementary functions of the vector kernels, as polynomials on whole vectors: no
 * {@code Math.exp} per lane, and none of the Vector API's own transcendental lane
 * operations, which call out to a slow library on some JDKs. Each keeps float accuracy
 * well within the tolerances Kiln is tested to (a few units in the last place for exp
 * and tanh, 1.5e-7 absolute for erf), keeps NaN, and gets the infinities right:
 * exp(-inf) = 0, exp(+inf) = +inf, tanh(+-inf) = +-1, erf(+-inf) = +-1.
 *
 * <p>Each is written as statements into the kernel's own code, with local names under a
 * prefix, not as a method: a {@code FloatVector} passed to a method that the JIT does
 * not inline (and it does not inline these from a cold call site, or once they are
 * compiled on their own) is boxed on every call.
 */
final class VectorMath {
    private static final ClassName FLOAT_VECTOR = VectorSpelling.FLOAT_VECTOR;
    private static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");

    private VectorMath() {
    }

    /**
     * exp(x) = 2^n exp(r), n = x / ln 2 rounded to nearest, r = x - n ln 2 in two parts
     * (Cody and Waite), exp(r) by the minimax polynomial of Cephes' expf on |r| <= ln(2)/2.
     *
     * @return the name of the local that holds the result
     */
    static String exp(CodeBlock.Builder b, CodeBlock x, String p) {
        b.add("// $Ly = e^$Lx: 2^n e^r with r = x - n ln 2, |r| <= ln(2)/2.\n", p, p);
        b.addStatement("$T $Lx = $L", FLOAT_VECTOR, p, x);
        b.add("// Clamp where e^x over- or underflows float; the blends below put inf and 0 back.\n");
        b.addStatement("$T $Lc = $Lx.max(-87.3365448f).min(88.7228394f)", FLOAT_VECTOR, p, p);
        b.add("// n = round(c / ln 2): adding 1.5 * 2^23 rounds to an integer in the low mantissa bits.\n");
        b.addStatement("$T $Lt = $Lc.mul(1.44269504f).add(12582912f)", FLOAT_VECTOR, p, p);
        b.addStatement("$T $Ln = $Lt.sub(12582912f)", FLOAT_VECTOR, p, p);
        b.addStatement("$T $Lr = $Lc.sub($Ln.mul(0.693359375f)).sub($Ln.mul(-2.12194440e-4f))", FLOAT_VECTOR, p, p, p, p);
        b.addStatement("$T $Lq = $Lr.mul(1.9875691500e-4f).add(1.3981999507e-3f).mul($Lr).add(8.3334519073e-3f)"
                + ".mul($Lr).add(4.1665795894e-2f).mul($Lr).add(1.6666665459e-1f).mul($Lr).add(5.0000001201e-1f)",
                FLOAT_VECTOR, p, p, p, p, p, p);
        b.addStatement("$T $Le = $Lq.mul($Lr.mul($Lr)).add($Lr).add(1f)", FLOAT_VECTOR, p, p, p, p, p);
        b.add("// 2^n as float bits, (n + 127) << 23, from t's bits 0x4b400000 + n, whose high bits the shift\n");
        b.add("// drops: no float-to-int conversion, which some JDKs do not compile to vector code.\n");
        b.addStatement("$T $Ls = $Lt.reinterpretAsInts().add(127).lanewise($T.LSHL, 23).reinterpretAsFloats()",
                FLOAT_VECTOR, p, p, OPERATORS);
        b.addStatement("$T $Ly = $Le.mul($Ls).blend(0f, $Lx.lt(-87.3365448f))", FLOAT_VECTOR, p, p, p, p);
        b.addStatement("$Ly = $Ly.blend(Float.POSITIVE_INFINITY, $Lx.compare($T.GT, 88.7228394f))", p, p, p, OPERATORS);
        return p + "y";
    }

    /** tanh: Cephes' odd polynomial for |x| < 0.625, 1 - 2 / (e^2x + 1) beyond. */
    static String tanh(CodeBlock.Builder b, CodeBlock x, String p) {
        b.add("// $Ly = tanh($Lx).\n", p, p);
        b.addStatement("$T $Lx = $L", FLOAT_VECTOR, p, x);
        b.addStatement("$T $Lz = $Lx.mul($Lx)", FLOAT_VECTOR, p, p, p);
        b.addStatement("$T $Lsmall = $Lz.mul(-5.70498872745e-3f).add(2.06390887954e-2f).mul($Lz).add(-5.37397155531e-2f)"
                + ".mul($Lz).add(1.33314422036e-1f).mul($Lz).add(-3.33332819422e-1f).mul($Lz).mul($Lx).add($Lx)",
                FLOAT_VECTOR, p, p, p, p, p, p, p, p);
        String e = exp(b, CodeBlock.of("$Lx.add($Lx)", p, p), p + "e");
        b.add("// 1 - 2 / (e^2x + 1) = 1 - 1 / h with h = (e^2x + 1) / 2; e^2x = inf gives 1.\n");
        b.addStatement("$T $Lh = $L.add(1f).mul(0.5f)", FLOAT_VECTOR, p, e);
        b.addStatement("$T $Ly = $T.broadcast(S, 1f).sub($T.broadcast(S, 1f).div($Lh)).blend($Lsmall, $Lx.abs().lt(0.625f))",
                FLOAT_VECTOR, p, FLOAT_VECTOR, FLOAT_VECTOR, p, p, p);
        return p + "y";
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
        String e = exp(b, CodeBlock.of("$La.mul($La).neg()", p, p), p + "e");
        b.addStatement("$T $Ly = $Lpoly.mul($L).neg().add(1f)", FLOAT_VECTOR, p, p, e);
        b.add("// erf(-x) = -erf(x); NaN stays NaN through abs, the polynomial and exp.\n");
        b.addStatement("$Ly = $Ly.blend($Ly.neg(), $Lx.lt(0f))", p, p, p, p);
        return p + "y";
    }
}
