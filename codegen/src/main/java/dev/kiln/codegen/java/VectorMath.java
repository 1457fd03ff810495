package dev.kiln.codegen.java;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * The elementary functions of the vector kernel class, as polynomials on whole
 * vectors: no {@code Math.exp} per lane, and none of the Vector API's own
 * transcendental lane operations, which call out to a slow library on some JDKs.
 * Each keeps float accuracy well within the tolerances Kiln is tested to (a few
 * units in the last place for exp and tanh, 1.5e-7 absolute for erf), keeps NaN,
 * and gets the infinities right: exp(-inf) = 0, exp(+inf) = +inf, tanh(+-inf) = +-1,
 * erf(+-inf) = +-1.
 */
final class VectorMath {
    private static final ClassName FLOAT_VECTOR = VectorSpelling.FLOAT_VECTOR;
    private static final ClassName INT_VECTOR = ClassName.get("jdk.incubator.vector", "IntVector");
    private static final ClassName OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");

    private VectorMath() {
    }

    /** The helper methods {@code names} ("exp", "tanh", "erf") and those they call, in a fixed order. */
    static List<MethodSpec> helpers(Collection<String> names) {
        List<MethodSpec> methods = new ArrayList<>();
        boolean erf = names.contains("erf");
        boolean tanh = names.contains("tanh");
        if (names.contains("exp") || erf || tanh) {
            methods.add(exp());
        }
        if (tanh) {
            methods.add(tanh());
        }
        if (erf) {
            methods.add(erf());
        }
        return methods;
    }

    /**
     * exp(x) = 2^n exp(r), n = x / ln 2 rounded to nearest, r = x - n ln 2 in two parts
     * (Cody and Waite), exp(r) by the minimax polynomial of Cephes' expf on |r| <= ln(2)/2.
     */
    private static MethodSpec exp() {
        return MethodSpec.methodBuilder("exp").addModifiers(Modifier.STATIC).returns(FLOAT_VECTOR)
                .addJavadoc("e^x in every lane: 2^n e^r with r = x - n ln 2, |r| <= ln(2)/2.\n")
                .addParameter(FLOAT_VECTOR, "x")
                .addComment("Clamp where e^x over- or underflows float; the blends below put inf and 0 back.")
                .addStatement("$T c = x.max(-87.3365448f).min(88.7228394f)", FLOAT_VECTOR)
                .addComment("n = round(c / ln 2): adding 1.5 * 2^23 rounds to an integer in the low mantissa bits.")
                .addStatement("$T t = c.mul(1.44269504f).add(12582912f)", FLOAT_VECTOR)
                .addStatement("$T n = t.sub(12582912f)", FLOAT_VECTOR)
                .addStatement("$T r = c.sub(n.mul(0.693359375f)).sub(n.mul(-2.12194440e-4f))", FLOAT_VECTOR)
                .addStatement("$T p = r.mul(1.9875691500e-4f).add(1.3981999507e-3f).mul(r).add(8.3334519073e-3f)"
                        + ".mul(r).add(4.1665795894e-2f).mul(r).add(1.6666665459e-1f).mul(r).add(5.0000001201e-1f)",
                        FLOAT_VECTOR)
                .addStatement("$T e = p.mul(r.mul(r)).add(r).add(1f)", FLOAT_VECTOR)
                .addComment("2^n as float bits: (n + 127) << 23.")
                .addStatement("$T scale = (($T) n.convert($T.F2I, 0)).add(127).lanewise($T.LSHL, 23).reinterpretAsFloats()",
                        FLOAT_VECTOR, INT_VECTOR, OPERATORS, OPERATORS)
                .addStatement("$T y = e.mul(scale)", FLOAT_VECTOR)
                .addStatement("y = y.blend(0f, x.lt(-87.3365448f))")
                .addStatement("return y.blend(Float.POSITIVE_INFINITY, x.compare($T.GT, 88.7228394f))", OPERATORS)
                .build();
    }

    /** tanh: Cephes' odd polynomial for |x| < 0.625, 1 - 2 / (e^2x + 1) beyond. */
    private static MethodSpec tanh() {
        return MethodSpec.methodBuilder("tanh").addModifiers(Modifier.STATIC).returns(FLOAT_VECTOR)
                .addJavadoc("tanh(x) in every lane.\n")
                .addParameter(FLOAT_VECTOR, "x")
                .addStatement("$T z = x.mul(x)", FLOAT_VECTOR)
                .addStatement("$T small = z.mul(-5.70498872745e-3f).add(2.06390887954e-2f).mul(z).add(-5.37397155531e-2f)"
                        + ".mul(z).add(1.33314422036e-1f).mul(z).add(-3.33332819422e-1f).mul(z).mul(x).add(x)",
                        FLOAT_VECTOR)
                .addComment("1 - 2 / (e^2x + 1) = 1 - 1 / h with h = (e^2x + 1) / 2; e^2x = inf gives 1.")
                .addStatement("$T h = exp(x.add(x)).add(1f).mul(0.5f)", FLOAT_VECTOR)
                .addStatement("$T large = $T.broadcast(S, 1f).sub($T.broadcast(S, 1f).div(h))", FLOAT_VECTOR,
                        FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("return large.blend(small, x.abs().lt(0.625f))")
                .build();
    }

    /**
     * erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): for x >= 0,
     * 1 - t (a1 + t (a2 + t (a3 + t (a4 + t a5)))) e^(-x^2) with t = 1 / (1 + p x); odd.
     */
    private static MethodSpec erf() {
        return MethodSpec.methodBuilder("erf").addModifiers(Modifier.STATIC).returns(FLOAT_VECTOR)
                .addJavadoc("The error function in every lane (absolute error below 1.5e-7).\n")
                .addParameter(FLOAT_VECTOR, "x")
                .addStatement("$T a = x.abs()", FLOAT_VECTOR)
                .addStatement("$T t = $T.broadcast(S, 1f).div(a.mul(0.3275911f).add(1f))", FLOAT_VECTOR, FLOAT_VECTOR)
                .addStatement("$T poly = t.mul(1.061405429f).add(-1.453152027f).mul(t).add(1.421413741f)"
                        + ".mul(t).add(-0.284496736f).mul(t).add(0.254829592f).mul(t)", FLOAT_VECTOR)
                .addStatement("$T y = poly.mul(exp(a.mul(a).neg())).neg().add(1f)", FLOAT_VECTOR)
                .addComment("erf(-x) = -erf(x); NaN stays NaN through abs, the polynomial and exp.")
                .addStatement("return y.blend(y.neg(), x.lt(0f))")
                .build();
    }
}
