package dev.kiln.report;

import dev.kiln.codegen.KilnOptions;
import dev.kiln.codegen.WeightFileWriter;
import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.KilnVersion;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.PassPipeline;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Everything the compile report shows about one compilation: totals, what each
 * pass changed, one row per layer, the graph before and after the passes, and the
 * activation arenas over time. {@link HtmlReport} renders it.
 */
public record CompileReport(Summary summary, List<PassChange> passes, List<Layer> layers, GraphDrawing before,
                            GraphDrawing after, List<ArenaTimeline> arenas) {

    /**
     * The totals.
     *
     * @param options the compile options as command-line flags (bindings, passes left out)
     * @param target the back end the graph was prepared for
     * @param cpu the CPU profile
     * @param parameters elements of the floating-point constants in the weight file
     * @param macs multiply-accumulates of one inference (see {@link Macs})
     * @param arenaBytes bytes of the activation arenas, per calling thread
     * @param intermediateBytes bytes of every value kept in the arenas, as if none shared memory
     * @param scratchFloatsPerPart the kernels' scratch memory per part of a step (per thread)
     * @param profiled whether the layers carry measured times
     * @param profiledMillis the sum of the measured steps' mean times, 0 when not profiled
     * @param profile how the times were measured, empty when not profiled
     */
    public record Summary(String model, String sha256, String producer, int opset, String options, String target,
                          String cpu, String kilnVersion, int importedNodes, int nodes, int kernels, long parameters,
                          long macs, long weightFileBytes, long arenaBytes, long intermediateBytes,
                          int scratchFloatsPerPart, boolean profiled, double profiledMillis, String profile) {
    }

    /**
     * What one pass changed.
     *
     * @param replaced how often each pattern was replaced, e.g. {@code Conv + Relu → FusedConv}
     * @param removed how many nodes of each op it removed without replacement
     * @param rewritten how many nodes it changed in place, by op and what changed, e.g.
     *                  {@code FusedConv (weights; packed_panel, out_channels)}
     */
    public record PassChange(String pass, String description, int rewrites, int nodesAfter,
                             Map<String, Integer> replaced, Map<String, Integer> removed,
                             Map<String, Integer> rewritten) {
    }

    /**
     * Compiles {@code modelFile} as {@code options} say (bindings, back end, CPU profile;
     * their after-each-pass listener is replaced) and gathers the report.
     *
     * @param timings measured times per kernel step, or {@link LayerTimings#NONE}
     * @throws dev.kiln.compiler.CompileException for anything wrong with the model or the options
     */
    public static CompileReport build(Path modelFile, KilnOptions options, LayerTimings timings) {
        return build(modelFile, options, compilation -> timings);
    }

    /**
     * Like {@link #build(Path, KilnOptions, LayerTimings)}, with the times measured on the
     * compilation the report shows: {@code profiler} gets it once its plan is made (to generate
     * the debug build of it and run that), so the steps it times are the report's.
     */
    public static CompileReport build(Path modelFile, KilnOptions options,
                                      Function<Compilation, LayerTimings> profiler) {
        Model model = OnnxImporter.read(modelFile);
        GraphSnapshot imported = GraphSnapshot.of(model.graph());
        Map<String, String> importedOps = new HashMap<>();
        model.graph().nodes().forEach(n -> importedOps.put(n.origins().get(0), n.opType()));
        List<Node> importedNodeList = List.copyOf(model.graph().nodes());
        int importedNodes = importedNodeList.size();
        PassRecorder recorder = new PassRecorder(model.graph());
        Compilation c = Compilation.of(model, options.withAfterEachPass(recorder).compileOptions());
        OpRegistry registry = OpRegistry.standard();
        // The imported nodes' values were typed by the first pass, with the input bindings applied.
        Map<String, Long> importedMacs = new HashMap<>();
        importedNodeList.forEach(n -> importedMacs.put(n.origins().get(0), registry.get(n).macs(n)));

        LayerTimings timings = profiler.apply(c);
        List<Layer> layers = Layer.of(c.model().graph(), c.plan(), registry, importedOps, importedMacs,
                LayerTargets.of(c), timings);
        Map<String, Integer> layerOfOrigin = new HashMap<>();
        for (Layer l : layers) {
            l.fused().forEach(o -> layerOfOrigin.put(o.name(), l.index()));
        }
        List<ArenaTimeline> arenas = ArenaTimeline.of(c.model().graph(), c.plan(), registry);
        Summary summary = new Summary(model.sourceName(), model.sha256(), model.producer(), model.onnxOpset(),
                c.options().describe(), options.target(), c.profile().name(), KilnVersion.VERSION, importedNodes,
                layers.size(), c.plan().kernels().size(), parameters(c), layers.stream().mapToLong(Layer::macs).sum(),
                WeightFileWriter.fileBytes(c.plan()), arenas.stream().mapToLong(ArenaTimeline::bytes).sum(),
                arenas.stream().mapToLong(ArenaTimeline::intermediateBytes).sum(), c.plan().scratchPerPart(),
                !timings.isEmpty(), timings.totalMillis(), timings.how());
        return new CompileReport(summary, passChanges(c.steps(), recorder.changes()), layers,
                GraphDrawer.before(imported, layers, layerOfOrigin, recorder.removedBy()),
                GraphDrawer.after(GraphSnapshot.of(c.model().graph()), recorder::madeFrom), arenas);
    }

    private static long parameters(Compilation c) {
        long n = 0;
        for (List<Value> constants : c.plan().constants().values()) {
            for (Value v : constants) {
                n += v.type().elementType().isFloat() ? v.type().size() : 0;
            }
        }
        return n;
    }

    private static List<PassChange> passChanges(List<PassPipeline.Step> steps, List<PassRecorder.Change> changes) {
        return IntStream.range(0, steps.size()).mapToObj(i -> {
            PassPipeline.Step s = steps.get(i);
            PassRecorder.Change c = changes.get(i);
            return new PassChange(s.pass(), c.description(), s.rewrites(), s.nodesAfter(), c.replaced(), c.removed(),
                    c.rewritten());
        }).toList();
    }
}
