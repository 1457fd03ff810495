package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Turning the POM's settings for a model into compiler input, and the stamp that decides regeneration. */
class ModelJobTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String RELU = "conformance/onnx-node-tests/test_relu/model.onnx";
    private static final ModelEntry NO_DEFAULTS = new ModelEntry();

    private static ModelEntry entry(String model) {
        ModelEntry e = new ModelEntry();
        e.model = model;
        return e;
    }

    @Test
    void defaultsComeFromTheFileNameAndTheTopLevelSettings() throws Exception {
        ModelEntry defaults = entry(null);
        defaults.packageName = "com.example";
        defaults.standalone = true;
        ModelJob job = ModelJob.of(entry(RELU), ROOT, defaults);
        assertEquals(ROOT.resolve(RELU), job.model());
        assertEquals("com.example", job.options().packageName());
        assertEquals("Model", job.options().className());
        assertTrue(job.options().standalone());
    }

    @Test
    void parsesShapesAndDims() throws Exception {
        ModelEntry e = entry(RELU);
        e.shapes = List.of("x=1x3x224x224");
        e.dims = List.of("batch = 2");
        ModelJob job = ModelJob.of(e, ROOT, NO_DEFAULTS);
        assertArrayEquals(new long[] {1, 3, 224, 224}, job.shapes().get("x"));
        assertEquals(2L, job.dims().get("batch"));
    }

    @Test
    void reportsConfigurationMistakesNamingTheSetting() {
        MojoFailureException missing = assertThrows(MojoFailureException.class,
                () -> ModelJob.of(entry("no/such.onnx"), ROOT, NO_DEFAULTS));
        assertEquals("Kiln: model file not found: " + ROOT.resolve("no/such.onnx"), missing.getMessage());

        ModelEntry badShape = entry(RELU);
        badShape.shapes = List.of("x=1x3xbig");
        MojoFailureException shape = assertThrows(MojoFailureException.class,
                () -> ModelJob.of(badShape, ROOT, NO_DEFAULTS));
        assertEquals("Kiln: " + ROOT.resolve(RELU) + ": <shape>x=1x3xbig</shape>: 'big' is not a dimension"
                + " (a whole number >= 0)", shape.getMessage());

        ModelEntry noEquals = entry(RELU);
        noEquals.dims = List.of("batch");
        MojoFailureException dim = assertThrows(MojoFailureException.class,
                () -> ModelJob.of(noEquals, ROOT, NO_DEFAULTS));
        assertEquals("Kiln: " + ROOT.resolve(RELU) + ": <dim>batch</dim> is not of the form SYMBOL=1", dim.getMessage());

        ModelEntry badClass = entry(RELU);
        badClass.className = "class";
        MojoFailureException name = assertThrows(MojoFailureException.class,
                () -> ModelJob.of(badClass, ROOT, NO_DEFAULTS));
        assertEquals("Kiln: " + ROOT.resolve(RELU) + ": 'class' is not a valid Java class name", name.getMessage());
    }

    @Test
    void theStampChangesWithTheModelTheOptionsAndTheOutputDirectories() throws Exception {
        Path src = Path.of("src");
        Path res = Path.of("res");
        String base = ModelJob.of(entry(RELU), ROOT, NO_DEFAULTS).stamp(src, res);
        assertEquals(base, ModelJob.of(entry(RELU), ROOT, NO_DEFAULTS).stamp(src, res));

        String otherModel = "conformance/onnx-node-tests/test_tanh/model.onnx";
        assertNotEquals(base, ModelJob.of(entry(otherModel), ROOT, NO_DEFAULTS).stamp(src, res));
        ModelEntry renamed = entry(RELU);
        renamed.className = "Renamed";
        assertNotEquals(base, ModelJob.of(renamed, ROOT, NO_DEFAULTS).stamp(src, res));
        ModelEntry shaped = entry(RELU);
        shaped.dims = List.of("n=1");
        assertNotEquals(base, ModelJob.of(shaped, ROOT, NO_DEFAULTS).stamp(src, res));
        assertNotEquals(base, ModelJob.of(entry(RELU), ROOT, NO_DEFAULTS).stamp(src, Path.of("elsewhere")));
        ModelEntry v4 = entry(RELU);
        v4.cpu = "x86-64-v4";
        assertNotEquals(base, ModelJob.of(v4, ROOT, NO_DEFAULTS).stamp(src, res));
    }

    @Test
    void theStampChangesWithTheModelsExternalData(@TempDir Path dir) throws Exception {
        // y = x + w, w's 4 floats in data/w.bin beside the model (as the fingerprint, the stamp must cover them).
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.FLOAT_VALUE).addDims(4)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("data/w.bin"))
                .build();
        TypeProto vector = TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4))))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
                .setGraph(GraphProto.newBuilder().setName("g").addInitializer(w)
                        .addInput(ValueInfoProto.newBuilder().setName("x").setType(vector))
                        .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
                        .addOutput(ValueInfoProto.newBuilder().setName("y").setType(vector)))
                .build();
        Files.write(dir.resolve("m.onnx"), model.toByteArray());
        Files.createDirectories(dir.resolve("data"));
        Files.write(dir.resolve("data/w.bin"), new byte[16]);
        Path src = Path.of("src");
        Path res = Path.of("res");
        String first = ModelJob.of(entry("m.onnx"), dir, NO_DEFAULTS).stamp(src, res);

        Files.write(dir.resolve("data/w.bin"), new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        String changed = ModelJob.of(entry("m.onnx"), dir, NO_DEFAULTS).stamp(src, res);
        assertNotEquals(first, changed);
        assertEquals(changed, ModelJob.of(entry("m.onnx"), dir, NO_DEFAULTS).stamp(src, res));
    }

    @Test
    void cpuProfileComesFromTheEntryOrTheTopLevelAndUnknownOnesNameTheChoices() throws Exception {
        assertEquals("x86-64-v3", ModelJob.of(entry(RELU), ROOT, NO_DEFAULTS).cpu().name(), "the fixed default");
        ModelEntry defaults = entry(null);
        defaults.cpu = "neon";
        assertEquals("neon", ModelJob.of(entry(RELU), ROOT, defaults).cpu().name());
        ModelEntry own = entry(RELU);
        own.cpu = "x86-64-v4";
        ModelJob job = ModelJob.of(own, ROOT, defaults);
        assertEquals("x86-64-v4", job.cpu().name());
        assertEquals("x86-64-v4", job.kilnOptions().cpu().name());

        ModelEntry unknown = entry(RELU);
        unknown.cpu = "pentium";
        MojoFailureException e = assertThrows(MojoFailureException.class, () -> ModelJob.of(unknown, ROOT, NO_DEFAULTS));
        assertEquals("Kiln: " + ROOT.resolve(RELU) + ": unknown CPU profile 'pentium' (profiles: generic, x86-64-v3,"
                + " x86-64-v4, neon, native)", e.getMessage());
    }
}
