package dev.kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.kiln.codegen.GeneratedModel;
import dev.kiln.codegen.Kiln;
import dev.kiln.compiler.Compilation;
import dev.kiln.codegen.KilnOptions;
import dev.kiln.report.GraphDrawing.Box;
import dev.kiln.report.GraphDrawing.Group;
import dev.kiln.report.GraphDrawing.StageDrawing;
import dev.kiln.report.GraphDrawing.VertexView;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The report's numbers on the committed LowFormer exports, each against a count made
 * another way: MACs by PyTorch's forward hooks at export time (the fixture's JSON),
 * the weight file's size by the weight writer, the arena by the memory plan.
 */
class CompileReportTest {
    static final Path FIXTURES = Path.of("..", "examples", "lowformer", "fixtures");
    private static final Map<String, CompileReport> REPORTS = new ConcurrentHashMap<>();

    /** The report of a fixture, made once for all tests (ELK takes a while). */
    static CompileReport report(String stem) {
        return REPORTS.computeIfAbsent(stem, s -> CompileReport.build(FIXTURES.resolve(s + ".onnx"),
                KilnOptions.defaults(), LayerTimings.NONE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void macsAreWhatPyTorchCounted(String stem) throws IOException {
        long pytorch = JsonParser.parseString(Files.readString(FIXTURES.resolve(stem + ".json")))
                .getAsJsonObject().get("macs").getAsLong();
        CompileReport r = report(stem);
        assertEquals(pytorch, r.summary().macs());
        assertEquals(pytorch, r.layers().stream().mapToLong(Layer::macs).sum());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void weightFileSizeIsWhatTheWriterWrites(String stem) throws IOException {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        Kiln.compile(FIXTURES.resolve(stem + ".onnx"), KilnOptions.defaults()).writeWeights(written);
        assertEquals(written.size(), report(stem).summary().weightFileBytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void arenaTimelineMatchesThePlan(String stem) {
        Path model = FIXTURES.resolve(stem + ".onnx");
        Compilation c = Compilation.of(model, KilnOptions.defaults().compileOptions());
        CompileReport r = report(stem);
        assertEquals(c.plan().arenaBytes(), r.summary().arenaBytes());
        assertTrue(r.summary().intermediateBytes() > r.summary().arenaBytes(), "reuse saves memory on a real network");
        for (ArenaTimeline arena : r.arenas()) {
            List<ArenaTimeline.Lifetime> values = arena.values();
            for (ArenaTimeline.Lifetime v : values) {
                assertTrue(v.first() <= v.last() && v.offset() + v.size() <= arena.elements(), v.toString());
            }
            // Values alive at the same step never share memory: else the lifetimes drawn are
            // longer than the planner's, or the plan is wrong.
            for (int i = 0; i < values.size(); i++) {
                for (int j = i + 1; j < values.size(); j++) {
                    ArenaTimeline.Lifetime a = values.get(i);
                    ArenaTimeline.Lifetime b = values.get(j);
                    boolean together = a.first() <= b.last() && b.first() <= a.last();
                    boolean overlap = a.offset() < b.offset() + b.size() && b.offset() < a.offset() + a.size();
                    assertFalse(together && overlap, a + " and " + b);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void everyImportedNodeIsInOneLayerOrWasRemovedByAPass(String stem) {
        CompileReport r = report(stem);
        Map<String, Integer> layerOf = new HashMap<>();
        for (Layer l : r.layers()) {
            for (Layer.Origin o : l.fused()) {
                assertNull(layerOf.put(o.name(), l.index()), o.name() + " is in two layers");
                assertNotNull(o.op(), o.name());
            }
        }
        int nodes = 0;
        for (VertexView v : r.before().vertices()) {
            if (v.kind().equals("node")) {
                nodes++;
                assertEquals(layerOf.get(v.name()), v.layer(), v.name());
                assertTrue(v.layer() == null ^ v.note() == null, v.name() + ": a layer or the pass that removed it");
            }
        }
        assertEquals(r.summary().importedNodes(), nodes);
        assertEquals(layerOf.size(), r.before().vertices().stream().filter(v -> v.layer() != null).count());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void eachFusionPassReportsWhatItReplaced(String stem) {
        CompileReport r = report(stem);
        for (CompileReport.PassChange p : r.passes()) {
            int replaced = p.replaced().values().stream().mapToInt(Integer::intValue).sum();
            if (p.pass().startsWith("fuse-")) {
                assertEquals(p.rewrites(), replaced, p.toString());
            }
        }
        CompileReport.PassChange hardswish = r.passes().stream().filter(p -> p.pass().equals("fuse-conv-activation"))
                .findFirst().orElseThrow();
        assertTrue(hardswish.replaced().get("Conv + HardSwish \u2192 FusedConv") > 0, hardswish.toString());
        // choose-layout then replaces each FusedConv by its channels-last twin: the box still says what it was made of.
        assertTrue(r.after().vertices().stream().anyMatch(v -> v.lines().equals(List.of("FusedConv", v.lines().get(1),
                "= Conv + HardSwish"))), "a channels-last FusedConv drawn as made of Conv + HardSwish");
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void everyPassThatRewroteSaysWhat(String stem) {
        CompileReport r = report(stem);
        for (CompileReport.PassChange p : r.passes()) {
            boolean said = !p.replaced().isEmpty() || !p.removed().isEmpty() || !p.rewritten().isEmpty();
            assertEquals(p.rewrites() > 0, said, p.toString());
        }
        // pack-weights keeps its nodes and rewrites their weights and attributes: one rewrite each.
        CompileReport.PassChange pack = r.passes().stream().filter(p -> p.pass().equals("pack-weights"))
                .findFirst().orElseThrow();
        assertTrue(pack.rewrites() > 0, pack.toString());
        assertTrue(pack.replaced().isEmpty() && pack.removed().isEmpty(), pack.toString());
        assertEquals(pack.rewrites(), pack.rewritten().values().stream().mapToInt(Integer::intValue).sum(),
                pack.toString());
        pack.rewritten().keySet().forEach(k -> assertTrue(k.startsWith("FusedConv (weights; ")
                && k.contains("packed_panel"), k));
    }

    @ParameterizedTest
    @ValueSource(strings = {"lowformer_tiny_op13", "lowformer_tiny_op17_176"})
    void drawingsPlaceEveryVertexOnceWithoutOverlaps(String stem) {
        CompileReport r = report(stem);
        for (GraphDrawing g : List.of(r.before(), r.after())) {
            int[] drawn = new int[g.vertices().size()];
            for (int s = 0; s < g.stages().size(); s++) {
                StageDrawing stage = g.stages().get(s);
                List<Box> boxes = stage.boxes();
                for (Box b : boxes) {
                    drawn[b.v()]++;
                    assertEquals(s, g.vertices().get(b.v()).stage());
                    assertTrue(b.x() >= 0 && b.y() >= 0 && b.x() + b.w() <= stage.width()
                            && b.y() + b.h() <= stage.height(), b + " inside " + stage.width() + "x" + stage.height());
                }
                for (int i = 0; i < boxes.size(); i++) {
                    for (int j = i + 1; j < boxes.size(); j++) {
                        assertFalse(overlap(boxes.get(i), boxes.get(j)), boxes.get(i) + " overlaps " + boxes.get(j));
                    }
                }
                for (Group group : stage.groups()) {
                    // The frame holds exactly the imported nodes of its layer.
                    for (Box b : boxes) {
                        boolean member = group.layer() == (g.vertices().get(b.v()).layer() == null ? -1
                                : g.vertices().get(b.v()).layer());
                        boolean inside = b.x() >= group.x() && b.y() >= group.y() && b.x() + b.w() <= group.x() + group.w()
                                && b.y() + b.h() <= group.y() + group.h();
                        assertEquals(member, inside, b + " and the frame of layer " + group.layer());
                    }
                }
                assertFalse(stage.edges().isEmpty());
            }
            for (int v = 0; v < drawn.length; v++) {
                assertEquals(1, drawn[v], "vertex " + v + " drawn once");
            }
        }
        long frames = r.before().stages().stream().mapToLong(s -> s.groups().size()).sum();
        long fusedLayers = r.layers().stream().filter(l -> l.fused().size() > 1).count();
        assertEquals(fusedLayers, frames, "one frame per layer that fused several imported nodes");
    }

    /**
     * The kernel column against the generated code (a step with a Vector API kernel is the one
     * that tests {@code VECTOR}), and the layout column against the layers' own shapes: a
     * channels-last convolution's output ends in its output channels, and its weights are in
     * panels of two vectors (vector) or of all its output channels (java).
     */
    @ParameterizedTest
    @ValueSource(strings = {"java", "vector"})
    void layoutAndKernelColumnsAreWhatTheGeneratedCodeDoes(String target) {
        KilnOptions options = KilnOptions.defaults().withTarget(target);
        Path model = FIXTURES.resolve("lowformer_tiny_op13.onnx");
        CompileReport r = CompileReport.build(model, options, LayerTimings.NONE);
        GeneratedModel g = Kiln.compile(model, options);
        String source = g.sources().get(g.weightsPath().replace(".weights", ".java"));
        Matcher step = Pattern.compile("// (\\d+): .*\n\\s*(if \\(VECTOR\\))?").matcher(source);
        Map<Integer, Boolean> vectorStep = new HashMap<>();
        while (step.find()) {
            vectorStep.put(Integer.parseInt(step.group(1)), step.group(2) != null);
        }
        assertEquals(r.summary().kernels(), vectorStep.size());
        int nhwc = 0;
        for (Layer l : r.layers()) {
            if (l.step() == null) {
                assertEquals("view: runs nothing", l.kernel());
                continue;
            }
            boolean vector = vectorStep.get(l.step());
            assertEquals(vector, l.kernel().startsWith("vector: "), l.toString());
            assertTrue(vector || l.kernel().startsWith("scalar: "), l.kernel());
            if (l.op().equals("dev.kiln.FusedConv")) {
                assertTrue(l.layout().startsWith("NHWC, W in panels of "), l.toString());
                String out = l.outputs().get(0);
                int channels = Integer.parseInt(out.substring(out.lastIndexOf(',') + 1, out.length() - 1));
                int panel = Integer.parseInt(l.layout().substring(l.layout().lastIndexOf(' ') + 1));
                assertEquals(target.equals("vector") ? 16 : channels, panel, l.toString());
                assertEquals(target.equals("vector") ? "vector: VectorFusedConvKernel" : "scalar: ConvKernel",
                        l.kernel());
                nhwc++;
            }
        }
        assertTrue(nhwc > 10, "LowFormer's convolutions run channels-last");
    }

    private static boolean overlap(Box a, Box b) {
        return a.x() < b.x() + b.w() && b.x() < a.x() + a.w() && a.y() < b.y() + b.h() && b.y() < a.y() + a.h();
    }
}
