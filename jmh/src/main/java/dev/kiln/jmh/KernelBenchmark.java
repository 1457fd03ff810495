package dev.kiln.jmh;

import static dev.kiln.compiler.testing.OnnxModelBuilder.attr;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Kiln;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.codegen.LoadedModel;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One layer, compiled by Kiln for a target into a model of that layer alone, timed
 * through the generated {@code run(float[], float[])}: the GEMM-shaped and depthwise
 * kernels in GFLOP/s (the {@code ·flops} line; 2 x MACs per call, counted as
 * {@code kiln bench} counts them), to set against {@link FmaPeakBenchmark}. The layers
 * have LowFormer's shapes (B0's stage 3 and 4). The vector target needs a JVM with C2 and
 * the incubator module, which the fork adds.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xss8m", "--add-modules", "jdk.incubator.vector"})
public class KernelBenchmark {
    @Param({"java", "vector"})
    public String target;

    /**
     * pointwise: 1x1 Conv 256 -> 1024 channels at 14x14 (a GEMM, as in an MBConv);
     * conv3x3: 3x3 Conv 64 -> 256 at stride 2 from 56x56 (a FusedMBConv's k x k);
     * conv3x3s1: 3x3 Conv 128 -> 512 at 14x14, stride 1 (B0's slowest layers, stage 3);
     * depthwise: 3x3 depthwise Conv of 1024 channels at 14x14;
     * matmul: MatMul [196, 512] x [512, 512];
     * stem3x3: 3x3 Conv 3 -> 16 at stride 2 from 224x224 (LowFormer's stem);
     * stem7x7: 7x7 Conv 3 -> 64 at stride 2 from 224x224 (ResNet's stem).
     */
    @Param({"pointwise", "conv3x3", "conv3x3s1", "depthwise", "matmul", "stem3x3", "stem7x7"})
    public String layer;

    @Param({"1"})
    public int threads;

    /**
     * normal: inputs in [-1, 1]; subnormal: the same times 1e-39, so that every product and
     * sum in the layer is a subnormal float (docs/robustness.md, "Subnormal numbers").
     */
    @Param({"normal"})
    public String values;

    private MethodHandle run;
    private float[] input;
    private float[] output;
    private long flopsPerCall;

    @Setup
    public void compile() throws ReflectiveOperationException {
        GeneratedModel generated = Kiln.compile(OnnxImporter.convert(model(layer), layer + ".onnx", null, null),
                KilnOptions.defaults().withTarget(target));
        Graph graph = generated.compilation().model().graph();
        LoadedModel model = LoadedModel.of(generated);
        model.setThreads(threads);
        run = MethodHandles.publicLookup().findVirtual(model.instance().getClass(), "run",
                MethodType.methodType(void.class, float[].class, float[].class)).bindTo(model.instance());
        float scale = switch (values) {
            case "normal" -> 1f;
            case "subnormal" -> 1e-39f;
            default -> throw new IllegalArgumentException("values: normal or subnormal, not " + values);
        };
        input = OnnxModelBuilder.random(1, graph.inputs().get(0).type().intSize(), scale);
        output = new float[graph.outputs().get(0).type().intSize()];
        flopsPerCall = 2 * generated.compilation().macs();
    }

    @Benchmark
    public float[] layer(Flops flops) throws Throwable {
        run.invokeExact(input, output);
        flops.flops += flopsPerCall;
        return output;
    }

    private static ModelProto model(String layer) {
        OnnxModelBuilder b = new OnnxModelBuilder(13);
        switch (layer) {
            case "pointwise" -> b.input("x", 1, 256, 14, 14)
                    .initializer("w", OnnxModelBuilder.random(2, 1024 * 256, 0.05f), 1024, 256, 1, 1)
                    .node("Conv", "x,w", "y");
            case "conv3x3" -> b.input("x", 1, 64, 56, 56)
                    .initializer("w", OnnxModelBuilder.random(2, 256 * 64 * 9, 0.05f), 256, 64, 3, 3)
                    .node("Conv", "x,w", "y", attr("strides", 2, 2), attr("pads", 1, 1, 1, 1));
            case "conv3x3s1" -> b.input("x", 1, 128, 14, 14)
                    .initializer("w", OnnxModelBuilder.random(2, 512 * 128 * 9, 0.05f), 512, 128, 3, 3)
                    .node("Conv", "x,w", "y", attr("pads", 1, 1, 1, 1));
            case "depthwise" -> b.input("x", 1, 1024, 14, 14)
                    .initializer("w", OnnxModelBuilder.random(2, 1024 * 9, 0.3f), 1024, 1, 3, 3)
                    .node("Conv", "x,w", "y", attr("group", 1024L), attr("pads", 1, 1, 1, 1));
            case "matmul" -> b.input("x", 196, 512)
                    .initializer("w", OnnxModelBuilder.random(2, 512 * 512, 0.05f), 512, 512)
                    .node("MatMul", "x,w", "y");
            case "stem3x3" -> b.input("x", 1, 3, 224, 224)
                    .initializer("w", OnnxModelBuilder.random(2, 16 * 3 * 9, 0.3f), 16, 3, 3, 3)
                    .node("Conv", "x,w", "y", attr("strides", 2, 2), attr("pads", 1, 1, 1, 1));
            case "stem7x7" -> b.input("x", 1, 3, 224, 224)
                    .initializer("w", OnnxModelBuilder.random(2, 64 * 3 * 49, 0.1f), 64, 3, 7, 7)
                    .node("Conv", "x,w", "y", attr("strides", 2, 2), attr("pads", 3, 3, 3, 3));
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        }
        return b.output("y").build();
    }
}
