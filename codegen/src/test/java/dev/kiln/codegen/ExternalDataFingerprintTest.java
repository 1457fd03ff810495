package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.InputBindings;
import dev.kiln.compiler.ir.ElementType;
import dev.kiln.compiler.ir.Tensor;
import dev.kiln.compiler.ir.TensorType;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.runtime.WeightFileException;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: the compile fingerprint covers a model's external data, not only the .onnx file.
 * With the same {@code m.onnx} and another {@code w.bin} beside it, the fingerprint differs,
 * and the class of one compile refuses the weight file of the other.
 */
class ExternalDataFingerprintTest {
    private static final int N = 64;

    @TempDir
    Path dir;

    @Test
    void otherExternalDataIsAnotherCompile() throws Exception {
        Path model = modelWithExternalWeight();
        writeData(1f);
        GeneratedModel first = KilnRunner.generate(model, new InputBindings());
        writeData(2f);
        GeneratedModel second = KilnRunner.generate(model, new InputBindings());

        assertEquals(first.compilation().model().sha256(), second.compilation().model().sha256(), "the same .onnx");
        assertNotEquals(first.fingerprint(), second.fingerprint());
        Class<?> firstClass = InProcessJavac.compile(first.sources(), getClass().getClassLoader(),
                first.backend().javacOptions()).loadClass(first.qualifiedName());
        second.writeTo(dir.resolve("second"));
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> firstClass
                .getMethod("load", Path.class).invoke(null, dir.resolve("second").resolve(second.weightsPath())));
        assertTrue(e.getCause() instanceof WeightFileException, e.getCause().toString());
        assertTrue(e.getCause().getMessage().contains("belongs to a different model or compile"),
                e.getCause().getMessage());

        // The same data again is the same compile: the fingerprint is reproducible, and the pair loads.
        writeData(1f);
        GeneratedModel again = KilnRunner.generate(model, new InputBindings());
        assertEquals(first.fingerprint(), again.fingerprint());
        again.writeTo(dir.resolve("again"));
        Object loaded = firstClass.getMethod("load", Path.class)
                .invoke(null, dir.resolve("again").resolve(again.weightsPath()));
        float[] y = (float[]) firstClass.getMethod("run", float[].class).invoke(loaded, (Object) new float[N]);
        float[] expected = new float[N];
        java.util.Arrays.fill(expected, 1f);
        assertArrayEquals(expected, y, 0f);
    }

    /** y = x + w, w's N floats in {@code w.bin} beside the model. */
    private Path modelWithExternalWeight() throws Exception {
        ModelProto inline = new OnnxGraph(13)
                .input("x", new Tensor(new TensorType(ElementType.FLOAT, N), new float[N]))
                .initializer("w", new Tensor(new TensorType(ElementType.FLOAT, N), new float[N]))
                .node("Add", "x,w", "y").output("y", ElementType.FLOAT).model();
        TensorProto external = inline.getGraph().getInitializer(0).toBuilder().clearRawData().clearFloatData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))
                .build();
        ModelProto model = inline.toBuilder()
                .setGraph(inline.getGraph().toBuilder().setInitializer(0, external)).build();
        Path file = dir.resolve("m.onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    private void writeData(float value) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(4 * N).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < N; i++) {
            b.putFloat(value);
        }
        Files.write(dir.resolve("w.bin"), b.array());
    }
}
