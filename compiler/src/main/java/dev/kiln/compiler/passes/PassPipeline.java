package dev.kiln.compiler.passes;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ops.OpRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The ordered list of passes and the loop that runs them. After each pass the
 * graph is tidied (dead nodes dropped, order restored) and types are re-inferred,
 * so that every pass starts from a valid, fully typed graph.
 */
public final class PassPipeline {
    private final List<Pass> passes;
    private final FoldConstants reinfer;

    private PassPipeline(List<Pass> passes, OpRegistry registry) {
        this.passes = List.copyOf(passes);
        this.reinfer = new FoldConstants(registry);
    }

    /** The standard pipeline: fold, canonicalise exporter patterns, fuse. */
    public static PassPipeline standard(OpRegistry registry) {
        return new PassPipeline(List.of(
                new FoldConstants(registry),
                new RemoveIdentities(),
                new RemoveNoOpSlices(),
                new RemoveNoOpReshapes(registry),
                new FuseErfGelu(),
                new FuseHardSwish(),
                new FuseLayerNorm(),
                new FuseGroupNorm(),
                new FuseMatMulAdd(),
                new FoldBatchNorm(),
                new ConvTransposeAsConv(),
                new FuseConvActivation(),
                new FuseConvResidual(),
                new FuseAttention()), registry);
    }

    /** This pipeline followed by {@code more} (a back end's own passes). */
    public PassPipeline then(List<Pass> more, OpRegistry registry) {
        List<Pass> all = new ArrayList<>(passes);
        all.addAll(more);
        return new PassPipeline(all, registry);
    }

    /** This pipeline without the passes named in {@code disabled}; an unknown name is an error. */
    public PassPipeline without(Set<String> disabled, OpRegistry registry) {
        for (String name : disabled) {
            if (passes.stream().noneMatch(p -> p.name().equals(name))) {
                throw new IllegalArgumentException("no pass named '" + name + "' (passes: " + String.join(", ", names()) + ")");
            }
        }
        return new PassPipeline(passes.stream().filter(p -> !disabled.contains(p.name())).toList(), registry);
    }

    public List<Pass> passes() {
        return passes;
    }

    public List<String> names() {
        return passes.stream().map(Pass::name).toList();
    }

    /** What one pass did. */
    public record Step(String pass, int rewrites, int nodesAfter) {
    }

    /**
     * Runs every pass in order.
     *
     * @param afterEach called after each pass with the pass and the tidied graph (for listings)
     */
    public List<Step> run(Graph graph, BiConsumer<Pass, Graph> afterEach) {
        List<Step> steps = new ArrayList<>();
        for (Pass pass : passes) {
            int rewrites = pass.run(graph);
            graph.removeDeadNodes();
            graph.sortTopologically();
            reinfer.run(graph);
            steps.add(new Step(pass.name(), rewrites, graph.nodes().size()));
            afterEach.accept(pass, graph);
        }
        return steps;
    }
}
