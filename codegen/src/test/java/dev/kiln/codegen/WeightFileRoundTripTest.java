package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Storage;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.plan.MemoryPlan;
import dev.kiln.compiler.plan.MemoryPlanner;
import dev.kiln.runtime.WeightFile;
import dev.kiln.runtime.WeightFileException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@link WeightFileWriter} and the runtime's {@link WeightFile} agree: every planned
 * constant of every storage type, read back in plan order, is bit-identical.
 */
class WeightFileRoundTripTest {
    private static final String FINGERPRINT = "ab".repeat(32);

    private static Value constant(String name, ElementType type, Object data, long... dims) {
        return Value.constant(name, new Tensor(new TensorType(type, dims), data));
    }

    /** A graph whose outputs are constants of every storage type (so the plan keeps them all). */
    private static Graph constants() {
        float[] big = new float[700_000]; // spans several of the writer's and reader's 1 MB chunks
        for (int i = 0; i < big.length; i++) {
            big[i] = i * 0.5f - 3;
        }
        Graph g = new Graph();
        g.addOutput(constant("big", ElementType.FLOAT, big, big.length));
        g.addOutput(constant("f", ElementType.FLOAT, new float[] {Float.NaN, -0f, Float.MIN_VALUE}, 3));
        g.addOutput(constant("d", ElementType.DOUBLE, new double[] {Math.E, -1e300}, 2));
        g.addOutput(constant("l", ElementType.INT64, new long[] {Long.MIN_VALUE, 1}, 2));
        g.addOutput(constant("i", ElementType.UINT32, new int[] {-1, 7}, 2));
        g.addOutput(constant("h", ElementType.FLOAT16, new short[] {0x3C00, (short) 0xFC00, 0x7E00}, 3));
        g.addOutput(constant("b", ElementType.INT8, new byte[] {-128, 127, 0}, 3));
        g.addOutput(constant("z", ElementType.BOOL, new boolean[] {true, false, true, true}, 4));
        g.addOutput(constant("s", ElementType.STRING, new String[] {"héllo", "", "λ"}, 3));
        return g;
    }

    private static Object read(WeightFile w, Storage s, int n) {
        return switch (s) {
            case FLOAT -> w.floats(n);
            case DOUBLE -> w.doubles(n);
            case LONG -> w.longs(n);
            case INT -> w.ints(n);
            case SHORT -> w.shorts(n);
            case BYTE -> w.bytes(n);
            case BOOLEAN -> w.booleans(n);
            case STRING -> w.strings(n);
        };
    }

    private static byte[] write(MemoryPlan plan) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WeightFileWriter.write(plan, FINGERPRINT, out);
        return out.toByteArray();
    }

    @Test
    void everyStorageTypeRoundTrips() throws IOException {
        MemoryPlan plan = MemoryPlanner.plan(constants(), OpRegistry.standard());
        byte[] file = write(plan);
        WeightFile w = WeightFile.open(new ByteArrayInputStream(file), "round.weights", FINGERPRINT, dev.kiln.compiler.KilnVersion.VERSION);
        int checked = 0;
        for (Storage s : Storage.values()) {
            for (Value v : plan.constants().getOrDefault(s, List.of())) {
                Object back = read(w, s, v.constant().size());
                assertEquals(true, Objects.deepEquals(v.constant().data(), back), v.name());
                checked++;
            }
        }
        w.finish();
        assertEquals(9, checked);
    }

    @Test
    void theSameFileReadWithTheWrongArraysIsRefused() throws IOException {
        byte[] file = write(MemoryPlanner.plan(constants(), OpRegistry.standard()));
        WeightFile w = WeightFile.open(new ByteArrayInputStream(file), "round.weights", FINGERPRINT, dev.kiln.compiler.KilnVersion.VERSION);
        assertArrayEquals(new float[] {-3, -2.5f}, java.util.Arrays.copyOf(w.floats(700_003), 2));
        assertThrows(WeightFileException.class, w::finish);
    }
}
