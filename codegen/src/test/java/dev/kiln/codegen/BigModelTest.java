package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.testing.OnnxModelBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, big models: compiling needs at most about twice the weights in heap, and a model
 * over 2 GB compiles and runs. Each model is compiled in a child JVM whose {@code -Xmx} is
 * twice its weights ({@link ForkedKiln}), then run in another; the outputs are compared with a
 * reference. The children's peak live heap is printed for docs/robustness.md. Needs about
 * 5 GB of RAM and 4.5 GB of disk for a minute (the temporary folder is removed after), and
 * Debian's python3-torch for LowFormer-B3: {@code mvn verify -Pfull}.
 */
@Tag("full")
class BigModelTest {
    /** x [1, 8192], then MatMul + Add + Relu to 16384, 16384, 8192, and MatMul + Add to 1000. */
    private static final int[] WIDTHS = {8192, 16384, 16384, 8192, 1000};
    private static final Path LOWFORMER_EXPORT = Path.of("..", "examples", "lowformer", "export", "export.py");
    private static final Path LOWFORMER_OUT = Path.of("target", "lowformer-full");

    /**
     * 2.18 GB of float weights in one external data file, in four weight matrices (the largest
     * 1 GiB, under the 2 GB a tensor may have) and four biases; the last tensors start past
     * byte 2^31 of the file, and the weight file's payload is past 2^31 bytes too.
     */
    @Test
    void aModelOver2GbCompilesWithinTwiceItsWeightsAndRuns(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("big.onnx");
        long weightBytes = writeBigModel(model, dir.resolve("big.weights.bin"));
        assertTrue(weightBytes > 1L << 31, weightBytes + " bytes");
        float[] x = random(1, WIDTHS[0], 1);
        Path input = dir.resolve("input.bin");
        writeFloats(input, x);
        float[] expected = OrtRunner.run(model, List.of(Tensor.ofFloats(new long[] {1, WIDTHS[0]}, x))).get(0).floats();
        float[] actual = compileAndRun(model, weightBytes, input, dir, "big model");
        assertEquals(WIDTHS[WIDTHS.length - 1], actual.length);
        double error = Agreement.relativeError(actual, expected);
        assertTrue(error <= 1e-4, "vs ONNX Runtime " + error);
    }

    /** LowFormer-B3 (228 MB of weights), checked against PyTorch's logits. */
    @Test
    void lowFormerB3CompilesWithinTwiceItsWeights(@TempDir Path dir) throws Exception {
        String stem = "lowformer_b3_op17";
        Path model = PythonExports.export(LOWFORMER_EXPORT, LOWFORMER_OUT, stem, "--variant", "b3", "--opset", "17");
        // The file is its initializers plus a few hundred KB of graph: twice the file bounds the heap a bit above 2x.
        float[] actual = compileAndRun(model, Files.size(model), LOWFORMER_OUT.resolve(stem + ".input.bin"), dir,
                "LowFormer-B3");
        float[] torch = Fixtures.readFloats(LOWFORMER_OUT.resolve(stem + ".output.bin"));
        double error = Agreement.relativeError(actual, torch);
        assertTrue(error <= 1e-4, "vs PyTorch " + error);
    }

    /**
     * Compiles {@code model} in a child JVM with twice {@code weightBytes} of heap, runs it on
     * {@code input} in another, and returns the output.
     */
    private static float[] compileAndRun(Path model, long weightBytes, Path input, Path dir, String what)
            throws IOException, InterruptedException {
        Path out = dir.resolve("generated");
        ForkedKiln.Result compile = ForkedKiln.run(2 * weightBytes, "compile", model.toString(), out.toString());
        report(what + ": compile", compile, weightBytes);
        assertEquals(0, compile.exitCode(), what + " did not compile in twice its weights:\n" + compile.log());
        Path output = dir.resolve("output.bin");
        ForkedKiln.Result run = ForkedKiln.run(2 * weightBytes, "run", out.toString(), input.toString(),
                output.toString());
        report(what + ": load and run", run, weightBytes);
        assertEquals(0, run.exitCode(), what + " did not run:\n" + run.log());
        return Fixtures.readFloats(output);
    }

    private static void report(String what, ForkedKiln.Result r, long weightBytes) {
        System.out.printf("%s with -Xmx %d MB: exit %d, %.0f s, peak live heap %d MB (%.2f x the %d MB of weights)%n",
                what, 2 * weightBytes >> 20, r.exitCode(), r.seconds(), r.peakLiveHeap() >> 20,
                (double) r.peakLiveHeap() / weightBytes, weightBytes >> 20);
    }

    /** Writes the model and its external data; returns the bytes of weights. */
    private static long writeBigModel(Path model, Path data) throws IOException {
        OnnxModelBuilder b = new OnnxModelBuilder(13).input("x", 1, WIDTHS[0]);
        long offset = 0;
        String x = "x";
        try (FileChannel out = FileChannel.open(data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int layer = 0; layer + 1 < WIDTHS.length; layer++) {
                int in = WIDTHS[layer];
                int outWidth = WIDTHS[layer + 1];
                // Uniform weights of variance 2 / fan-in keep the activations near 1 through the Relus.
                float bound = (float) Math.sqrt(6.0 / in);
                b.initializer(external("w" + layer, data, offset, in, outWidth));
                offset += writeRandom(out, layer, (long) in * outWidth, bound);
                b.initializer(external("b" + layer, data, offset, outWidth));
                offset += writeRandom(out, 100 + layer, outWidth, 0.1f);
                boolean last = layer + 2 == WIDTHS.length;
                b.node("MatMul", x + ",w" + layer, "m" + layer).node("Add", "m" + layer + ",b" + layer,
                        last ? "y" : "a" + layer);
                if (!last) {
                    b.node("Relu", "a" + layer, "h" + layer);
                    x = "h" + layer;
                }
            }
        }
        Files.write(model, b.output("y").bytes());
        return offset;
    }

    private static TensorProto external(String name, Path data, long offset, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(OnnxModelBuilder.FLOAT)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", data.getFileName().toString()))
                .addExternalData(entry("offset", Long.toString(offset)));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }

    /** Appends {@code n} seeded uniform floats in [-bound, bound] in 4 MB pieces; returns the bytes written. */
    private static long writeRandom(FileChannel out, long seed, long n, float bound) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer floats = buffer.asFloatBuffer();
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(n - done, floats.capacity());
            floats.clear();
            for (int i = 0; i < m; i++) {
                floats.put((float) ((random.nextDouble() * 2 - 1) * bound));
            }
            buffer.clear().limit(m * 4);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            done += m;
        }
        return n * 4;
    }

    private static float[] random(long seed, int n, float bound) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
        return f;
    }

    private static void writeFloats(Path file, float[] values) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        Files.write(file, b.array());
    }
}
