package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.conformance.TensorComparison;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The unary element-wise ops and PRelu, generated and run, against ONNX Runtime on what
 * the node tests leave out: NaN, infinities, -0, huge and tiny magnitudes, exact halves,
 * integer extremes, tensors big enough to be split into work items and run on 4 threads,
 * and PRelu slopes broadcast along different axes.
 *
 * <p>ONNX Runtime's CPU provider lacks float16 and bfloat16 kernels for most of these ops,
 * so for them the reference is ONNX Runtime's float result on the same (16-bit exact)
 * inputs, rounded to 16 bits: what the spec asks of such a kernel. Likewise for
 * double where it has only a float kernel ({@link #DOUBLE_VIA_FLOAT}), compared with
 * float precision. It has no int64 Relu and no integer PRelu, so those are left out.
 */
class UnaryKernelsAgainstOnnxRuntimeTest {
    private static final int OPSET = 20;
    private static final long[] BIG = {3, 7, 1000};
    /** Ops ONNX Runtime's CPU provider has no double kernel for: checked against its float result. */
    private static final Set<String> DOUBLE_VIA_FLOAT = Set.of("Softplus", "Mish", "Selu", "Elu", "ThresholdedRelu",
            "LeakyRelu", "HardSigmoid", "Gelu", "PRelu");

    /** One node to check: op, attributes (Float or String values), element type, input shapes. */
    record Case(String op, Map<String, Object> attributes, ElementType type, long[]... shapes) {
        String name() {
            StringBuilder s = new StringBuilder(op).append(attributes.isEmpty() ? "" : attributes.toString())
                    .append(' ').append(type.onnxName());
            for (long[] shape : shapes) {
                s.append(' ').append(java.util.Arrays.toString(shape));
            }
            return s.toString();
        }
    }

    @TestFactory
    Stream<DynamicTest> againstOnnxRuntime() {
        List<Case> cases = new ArrayList<>();
        for (ElementType t : List.of(ElementType.FLOAT, ElementType.DOUBLE, ElementType.FLOAT16,
                ElementType.BFLOAT16)) {
            for (String op : List.of("Abs", "Neg", "Ceil", "Floor", "Round", "Exp", "Log", "Reciprocal", "Relu",
                    "Softplus", "Mish", "Selu", "Elu", "ThresholdedRelu", "LeakyRelu", "HardSigmoid", "Gelu")) {
                cases.add(new Case(op, Map.of(), t, BIG));
            }
            cases.add(new Case("Elu", Map.of("alpha", 0.7f), t, BIG));
            cases.add(new Case("Selu", Map.of("alpha", 2f, "gamma", 0.5f), t, BIG));
            cases.add(new Case("ThresholdedRelu", Map.of("alpha", -0.25f), t, BIG));
            cases.add(new Case("LeakyRelu", Map.of("alpha", 0.3f), t, BIG));
            cases.add(new Case("HardSigmoid", Map.of("alpha", 0.4f, "beta", 0.3f), t, BIG));
            cases.add(new Case("Gelu", Map.of("approximate", "tanh"), t, BIG));
        }
        // (ONNX Runtime's Java API cannot feed uint16, uint32 or uint64.)
        for (ElementType t : List.of(ElementType.INT8, ElementType.INT16, ElementType.INT32, ElementType.INT64,
                ElementType.UINT8)) {
            cases.add(new Case("Abs", Map.of(), t, BIG));
        }
        for (ElementType t : List.of(ElementType.INT8, ElementType.INT32, ElementType.INT64)) {
            cases.add(new Case("Neg", Map.of(), t, BIG));
        }
        cases.add(new Case("Relu", Map.of(), ElementType.INT8, BIG));
        cases.add(new Case("Relu", Map.of(), ElementType.INT32, BIG));
        cases.add(new Case("Not", Map.of(), ElementType.BOOL, BIG));
        long[] x = {2, 3, 4, 500};
        for (long[] slope : new long[][] {{500}, {4, 1}, {3, 1, 1}, {1}, {3, 4, 500}, x}) {
            cases.add(new Case("PRelu", Map.of(), ElementType.FLOAT, x, slope));
        }
        cases.add(new Case("PRelu", Map.of(), ElementType.DOUBLE, x, new long[] {3, 1, 1}));
        cases.add(new Case("PRelu", Map.of(), ElementType.FLOAT16, x, new long[] {4, 1}));
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    /**
     * Unary ops on constants fold at compile time (they sit in shape chains and weight
     * preprocessing): y = PRelu(x, Neg(Abs(Floor(c)))) and the int64 chain
     * k = Neg(Abs(Neg(n))) leave only the PRelu to run, with ONNX Runtime's results.
     */
    @Test
    void constantChainsFold() {
        long[] xShape = {2, 3, 4, 5};
        Tensor c = Tensor.fromDoubles(new TensorType(ElementType.FLOAT, new long[] {5}),
                new double[] {-1.5, 2.5, -0.25, 0, 3.75});
        Tensor n = Tensor.fromLongs(new TensorType(ElementType.INT64, new long[] {4}),
                new long[] {-7, 0, 9, Long.MIN_VALUE + 1});
        Tensor x = finite(values(new TensorType(ElementType.FLOAT, xShape), new Random(7)));
        OnnxGraph graph = new OnnxGraph(OPSET).input("in0", x).initializer("c", c).initializer("n", n)
                .node("Floor", "c", "c1").node("Abs", "c1", "c2").node("Neg", "c2", "slope")
                .node("PRelu", "in0,slope", "y")
                .node("Neg", "n", "n1").node("Abs", "n1", "n2").node("Neg", "n2", "k")
                .output("y", ElementType.FLOAT).output("k", ElementType.INT64);
        Compilation compilation = KilnRunner.compile(graph.model());
        assertEquals(List.of("PRelu"), compilation.model().graph().nodes().stream().map(Node::opType).toList());

        List<Tensor> actual = KilnRunner.run(compilation, graph.inputs(), 1);
        List<Tensor> expected = graph.onnxRuntime();
        assertNull(TensorComparison.mismatch(expected.get(0), new Tensor(expected.get(0).type(), actual.get(0).data()),
                1e-6, 0));
        assertNull(TensorComparison.mismatch(expected.get(1), new Tensor(n.type(), actual.get(1).data()), 0, 0));
    }

    /** Inputs the spec rules out are refused with a CompileException naming the op, opset and problem. */
    @Test
    void refusesWhatTheSpecRulesOut() {
        assertRefused(new Case("PRelu", Map.of(), ElementType.FLOAT, new long[] {2, 3}, new long[] {4}), OPSET,
                "PRelu", "does not broadcast to the shape of X");
        assertRefused(new Case("Relu", Map.of(), ElementType.INT32, new long[] {4}), 13, "Relu", "only from opset 14");
        assertRefused(new Case("PRelu", Map.of(), ElementType.INT64, new long[] {4}, new long[] {1}), 8,
                "PRelu", "only from opset 9");
        assertRefused(new Case("Neg", Map.of(), ElementType.UINT8, new long[] {4}), OPSET, "Neg", "uint8");
        assertRefused(new Case("Exp", Map.of(), ElementType.INT32, new long[] {4}), OPSET, "Exp", "int32");
    }

    private static void assertRefused(Case c, int opset, String... messageParts) {
        CompileException e = assertThrows(CompileException.class, () -> KilnRunner.compile(model(c, c.type(), opset)));
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), e.getMessage() + " should mention " + part);
        }
        assertTrue(e.getMessage().contains("opset " + opset), e.getMessage() + " should name the opset");
    }

    private static void check(Case c) {
        Random random = new Random(c.name().hashCode());
        List<Tensor> inputs = new ArrayList<>();
        Tensor x = values(new TensorType(c.type(), c.shapes()[0]), random);
        inputs.add(c.op().equals("PRelu") ? finite(x) : x);

        for (int i = 1; i < c.shapes().length; i++) {
            inputs.add(slopes(new TensorType(c.type(), c.shapes()[i]), random));
        }
        Tensor actual = new Tensor(new TensorType(c.type(), c.shapes()[0]),
                KilnRunner.run(model(c, c.type()), inputs, 4).get(0).data());

        Tensor expected;
        double rtol;
        boolean viaFloat = c.type() == ElementType.FLOAT16 || c.type() == ElementType.BFLOAT16
                || c.type() == ElementType.DOUBLE && DOUBLE_VIA_FLOAT.contains(c.op());
        if (viaFloat) {
            List<Tensor> asFloat = inputs.stream().map(t -> Tensor.fromDoubles(
                    new TensorType(ElementType.FLOAT, t.type().dims()), t.toDoubles())).toList();
            Tensor floatResult = OrtRunner.run(model(c, ElementType.FLOAT), asFloat).get(0);
            expected = Tensor.fromDoubles(actual.type(), floatResult.toDoubles());
            // 16-bit: one step, as float results may round either way; double: float precision
            rtol = c.type() == ElementType.FLOAT16 ? 1e-3 : c.type() == ElementType.BFLOAT16 ? 8e-3 : 1e-5;
        } else {
            expected = OrtRunner.run(model(c, c.type()), inputs).get(0);
            rtol = c.type() == ElementType.DOUBLE ? 1e-12 : 1e-5;
        }
        assertNull(TensorComparison.mismatch(expected, actual, rtol, 1e-6), c.name());
    }

    /** Edge values first (NaN, infinities, -0, extremes, halves), then seeded random ones. */
    private static Tensor values(TensorType type, Random random) {
        ElementType t = type.elementType();
        int n = (int) type.size();
        if (t.isFloat()) {
            double[] edges = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e30, -1e30,
                3e38, -3e38, 65504, -65504, 1e-7, -1e-7, 1e-40, -1e-40, 88, 89, -88, -104, 710, -745, 20, -20, 30, -30,
                0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 4.5, -4.5};
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = i < edges.length ? edges[i] : i % 10 == 0
                        ? Math.scalb(random.nextGaussian(), random.nextInt(40) - 20) : random.nextDouble() * 20 - 10;
            }
            return Tensor.fromDoubles(type, v);
        }
        long[] edges;
        if (t == ElementType.BOOL) {
            edges = new long[] {0, 1};
        } else {
            int bits = 8 * bytes(t);
            long min = t.isUnsigned() ? 0 : bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
            long max = t.isUnsigned() ? (bits == 64 ? -1 : (1L << bits) - 1) : bits == 64 ? Long.MAX_VALUE : -min - 1;
            edges = new long[] {min, min + 1, max, max - 1, 0, 1, -1, 2, -2};
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = i < edges.length ? edges[i] : t == ElementType.BOOL ? random.nextInt(2) : random.nextInt(2001) - 1000;
        }
        return Tensor.fromLongs(type, v);
    }

    /**
     * The tensor with infinities replaced by 60000 (finite even in float16): ONNX Runtime's
     * PRelu gives NaN for infinite x, where the spec's y = x (x >= 0), y = slope * x holds
     * and Kiln follows the spec.
     */
    private static Tensor finite(Tensor t) {
        double[] v = t.toDoubles();
        for (int i = 0; i < v.length; i++) {
            v[i] = Double.isInfinite(v[i]) ? Math.copySign(60000, v[i]) : v[i];
        }
        return Tensor.fromDoubles(t.type(), v);
    }

    /**
     * PRelu slopes: finite, from -2 to 2 with both zeros. (With an infinite or NaN slope
     * ONNX Runtime turns positive x into NaN, where the spec's y = x holds.)
     */
    private static Tensor slopes(TensorType type, Random random) {
        double[] v = new double[(int) type.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = i == 0 ? -0.0 : i == 1 ? 0 : random.nextDouble() * 4 - 2;
        }
        return Tensor.fromDoubles(type, v);
    }

    private static int bytes(ElementType t) {
        return switch (t.storage()) {
            case BYTE -> 1;
            case SHORT -> 2;
            case INT -> 4;
            default -> 8;
        };
    }

    /** A one-node model: inputs x (and slope) of {@code type}, output y typed like x. */
    private static ModelProto model(Case c, ElementType type) {
        return model(c, type, OPSET);
    }

    private static ModelProto model(Case c, ElementType type, int opset) {
        OnnxNode node = new OnnxNode(c.op(), opset);
        for (long[] shape : c.shapes()) {
            node.input(Tensor.zeros(new TensorType(type, shape))); // the runners feed the test's values
        }
        for (Map.Entry<String, Object> a : c.attributes().entrySet()) {
            if (a.getValue() instanceof Float f) {
                node.attr(a.getKey(), (float) f);
            } else {
                node.attr(a.getKey(), (String) a.getValue());
            }
        }
        return node.graph().model();
    }
}
