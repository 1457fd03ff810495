package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorShapeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TypeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectCommandTest {
    @TempDir
    Path tmp;

    @Test
    void listsInputsOutputsAndOps() {
        Cli.Result r = Cli.run("inspect", Cli.fixture("lowformer_tiny_op13_dynbatch.onnx").toString(), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> json = MiniJson.object(r.out());
        Map<?, ?> input = (Map<?, ?>) ((List<?>) json.get("inputs")).get(0);
        assertEquals("input", input.get("name"));
        assertEquals(List.of("batch", 3.0, 224.0, 224.0), input.get("shape"));
        assertEquals(Map.of("ai.onnx", 13.0), json.get("opsets"));
        assertTrue(((String) json.get("producer")).startsWith("pytorch"), json.toString());
        assertTrue(((Map<?, ?>) json.get("ops")).containsKey("InstanceNormalization"));
        assertEquals(List.of(), json.get("unsupported"));
    }

    @Test
    void listsEveryUnsupportedOpAtOnce() throws Exception {
        Path model = modelWithUnsupportedOps();
        Cli.Result r = Cli.run("inspect", model.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("unsupported ops: 2"), r.out());
        assertTrue(r.out().contains("NoSuchOp (ai.onnx opset 17; not supported) at 'first', 'third'"), r.out());
        assertTrue(r.out().contains("Mystery (com.example opset 0;"), r.out());
        assertTrue(r.out().contains("'second'"), r.out());

        Cli.Result json = Cli.run("inspect", model.toString(), "--json");
        List<?> unsupported = (List<?>) MiniJson.object(json.out()).get("unsupported");
        assertEquals(2, unsupported.size());
        assertEquals(List.of("first", "third"), ((Map<?, ?>) unsupported.get(0)).get("nodes"));

        Cli.Result compile = Cli.run("compile", model.toString(), "-o", tmp.resolve("out").toString());
        assertEquals(1, compile.exitCode(), compile.toString());
        CompileCommandTest.assertOneErrorLine(compile);
        assertTrue(compile.err().contains("2 unsupported ops") && compile.err().contains("NoSuchOp")
                && compile.err().contains("Mystery"), compile.err());
    }

    @Test
    void printsTheIrAfterAPass() {
        Cli.Result r = Cli.run("inspect", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "--after",
                "fuse-conv-activation");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("dev.kiln.FusedConv("), r.out());
        assertEquals(2, Cli.run("inspect", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "--after",
                "no-such-pass").exitCode());
    }

    @Test
    void writesTheCompileReport() throws Exception {
        Path page = tmp.resolve("reports/tiny.html");
        Cli.Result r = Cli.run("inspect", Cli.fixture("lowformer_tiny_op13_dynbatch.onnx").toString(), "--dim", "batch=2",
                "--cpu", "generic", "--report", page.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals("wrote " + page + "\n", r.out());
        String html = Files.readString(page);
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        String start = "<script type=\"application/json\" id=\"kiln-data\">";
        String data = html.substring(html.indexOf(start) + start.length(), html.indexOf("</script>", html.indexOf(start)));
        Map<?, ?> summary = (Map<?, ?>) MiniJson.object(data).get("summary");
        assertEquals("lowformer_tiny_op13_dynbatch.onnx", summary.get("model"));
        assertEquals("--dim batch=2", summary.get("options"), "made with the binding options");
        assertEquals("java", summary.get("target"));
        assertEquals("generic", summary.get("cpu"));
    }

    @Test
    void theReportWithProfileShowsEachLayersMeasuredTime() throws Exception {
        Path page = tmp.resolve("profiled.html");
        Cli.Result r = Cli.run("inspect", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "--report",
                page.toString(), "--profile");
        assertEquals(0, r.exitCode(), r.toString());
        String html = Files.readString(page);
        String start = "<script type=\"application/json\" id=\"kiln-data\">";
        Map<?, ?> data = MiniJson.object(html.substring(html.indexOf(start) + start.length(),
                html.indexOf("</script>", html.indexOf(start))));
        Map<?, ?> summary = (Map<?, ?>) data.get("summary");
        assertEquals(true, summary.get("profiled"));
        assertTrue(((String) summary.get("profile")).matches("mean of 20 runs after \\d+ warm-up runs, 1 thread, .*"),
                summary.toString());
        double sum = 0;
        for (Object o : (List<?>) data.get("layers")) {
            Map<?, ?> layer = (Map<?, ?>) o;
            if (layer.get("step") == null) {
                assertNull(layer.get("millis"), "a view runs nothing: " + layer);
            } else {
                assertTrue((Double) layer.get("millis") > 0, "every step measured: " + layer);
                sum += (Double) layer.get("millis");
            }
        }
        assertEquals((Double) summary.get("profiledMillis"), sum, 1e-9);
        assertEquals(2, Cli.run("inspect", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "--profile")
                .exitCode(), "--profile goes with --report");
    }

    @Test
    void profileTakesThreadsWarmupRunsAndSeedLikeBench() throws Exception {
        Path page = tmp.resolve("profiled-2-threads.html");
        String fixture = Cli.fixture("lowformer_tiny_op17_176.onnx").toString();
        Cli.Result r = Cli.run("inspect", fixture, "--report", page.toString(), "--profile", "--threads", "2",
                "--warmup", "3", "--runs", "5", "--seed", "7");
        assertEquals(0, r.exitCode(), r.toString());
        String html = Files.readString(page);
        String start = "<script type=\"application/json\" id=\"kiln-data\">";
        Map<?, ?> summary = (Map<?, ?>) MiniJson.object(html.substring(html.indexOf(start) + start.length(),
                html.indexOf("</script>", html.indexOf(start)))).get("summary");
        assertTrue(((String) summary.get("profile")).matches(
                "mean of 5 runs after 3 warm-up runs, 2 threads, .*, random normal input \\(seed 7\\)"),
                summary.toString());
        for (String[] bad : List.of(new String[] {"--threads", "2"}, new String[] {"--profile", "--runs", "0"})) {
            List<String> args = new ArrayList<>(List.of("inspect", fixture, "--report",
                    tmp.resolve("bad.html").toString()));
            args.addAll(List.of(bad));
            Cli.Result refused = Cli.run(args.toArray(String[]::new));
            assertEquals(2, refused.exitCode(), refused.toString());
            CompileCommandTest.assertOneErrorLine(refused);
        }
        assertFalse(Files.exists(tmp.resolve("bad.html")), "nothing written for a refused command");
    }

    @Test
    void reportErrorsAreOneLine() throws Exception {
        Path model = Cli.fixture("lowformer_tiny_op13_dynbatch.onnx");
        Cli.Result unbound = Cli.run("inspect", model.toString(), "--report", tmp.resolve("r.html").toString());
        assertEquals(1, unbound.exitCode(), unbound.toString());
        assertTrue(unbound.err().contains("--dim batch=N"), unbound.err());
        assertTrue(Files.notExists(tmp.resolve("r.html")), "no half-written page");

        Path notADirectory = tmp.resolve("file");
        Files.writeString(notADirectory, "x");
        Cli.Result unwritable = Cli.run("inspect", model.toString(), "--dim", "batch=1", "--report",
                notADirectory.resolve("r.html").toString());
        assertEquals(1, unwritable.exitCode(), unwritable.toString());
        CompileCommandTest.assertOneErrorLine(unwritable);
        assertTrue(unwritable.err().contains("cannot write the report " + notADirectory.resolve("r.html")),
                unwritable.err());

        assertEquals(2, Cli.run("inspect", model.toString(), "--report", "r.html", "--after", "fold-constants").exitCode());
    }

    /** x -> NoSuchOp 'first' -> Mystery (com.example, not imported) 'second' -> NoSuchOp 'third' -> y. */
    private Path modelWithUnsupportedOps() throws Exception {
        GraphProto graph = GraphProto.newBuilder().setName("unsupported")
                .addInput(floatVector("x"))
                .addNode(NodeProto.newBuilder().setName("first").setOpType("NoSuchOp").addInput("x").addOutput("a"))
                .addNode(NodeProto.newBuilder().setName("second").setOpType("Mystery").setDomain("com.example")
                        .addInput("a").addOutput("b"))
                .addNode(NodeProto.newBuilder().setName("third").setOpType("NoSuchOp").addInput("b").addOutput("y"))
                .addOutput(floatVector("y"))
                .build();
        ModelProto model = ModelProto.newBuilder().setIrVersion(8).setProducerName("test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(graph).build();
        Path file = tmp.resolve("unsupported.onnx");
        Files.write(file, model.toByteArray());
        return file;
    }

    private static ValueInfoProto floatVector(String name) {
        TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4)))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
    }
}
