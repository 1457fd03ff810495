package dev.kiln.codegen.opencl;

/**
 * The helper functions at the top of every generated {@code .cl} file: Java's min
 * and max (NaN if either operand is NaN, -0 below +0; OpenCL's fmin and fmax
 * ignore a NaN operand) and the bfloat16 conversions (round to nearest even, NaN
 * kept), which OpenCL has no built-ins for.
 */
final class Prelude {
    private Prelude() {
    }

    /** The name of the min function for compute type {@code float} or {@code double}. */
    static String min(String compute) {
        return compute.equals("double") ? "kiln_min_d" : "kiln_min";
    }

    /** The name of the max function for compute type {@code float} or {@code double}. */
    static String max(String compute) {
        return compute.equals("double") ? "kiln_max_d" : "kiln_max";
    }

    /** The prelude; with {@code doubles}, also the double versions and the cl_khr_fp64 pragma. */
    static String text(boolean doubles) {
        StringBuilder s = new StringBuilder();
        if (doubles) {
            s.append("// The model computes in double: the host checked cl_khr_fp64 before building.\n")
                    .append("#pragma OPENCL EXTENSION cl_khr_fp64 : enable\n\n");
        }
        s.append("// Java's Math.min and Math.max: NaN if either operand is NaN (a + b is NaN then), -0 below +0.\n");
        minMax(s, "float", "");
        if (doubles) {
            minMax(s, "double", "_d");
        }
        s.append("""
                // bfloat16 is the high half of a float's bits; stores round to nearest even and keep NaN.
                float kiln_bf16_load(ushort bits) {
                    return as_float((uint) bits << 16);
                }

                ushort kiln_bf16_store(float v) {
                    uint bits = as_uint(v);
                    if (isnan(v)) {
                        return (ushort) ((bits >> 16) | 0x40);
                    }
                    return (ushort) ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16);
                }

                """);
        return s.toString();
    }

    private static void minMax(StringBuilder s, String type, String suffix) {
        s.append(type).append(" kiln_min").append(suffix).append("(").append(type).append(" a, ").append(type)
                .append(" b) {\n    return isnan(a) || isnan(b) ? a + b : a < b || (a == b && signbit(a)) ? a : b;\n}\n\n");
        s.append(type).append(" kiln_max").append(suffix).append("(").append(type).append(" a, ").append(type)
                .append(" b) {\n    return isnan(a) || isnan(b) ? a + b : a > b || (a == b && !signbit(a)) ? a : b;\n}\n\n");
    }
}
