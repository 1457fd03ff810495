package dev.kiln.compiler;

import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.InputNeededAtCompileTime;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.BindInputs;
import dev.kiln.compiler.passes.CheckSupport;
import dev.kiln.compiler.passes.PassPipeline;
import dev.kiln.compiler.plan.MemoryPlan;
import dev.kiln.compiler.plan.MemoryPlanner;
import dev.kiln.compiler.target.TargetProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The front half of Kiln, from a model file to a planned graph that a back end
 * can emit: import, bind input shapes, check support, run the standard passes and
 * the back end's own (layout, packing), plan memory for the profile.
 *
 * @param model the model, its graph rewritten by the passes
 * @param importedOps the op histogram as imported, before any pass
 * @param steps what each pass did
 * @param macs multiply-accumulates of one inference as the model defines them (each op's
 *     {@link dev.kiln.compiler.ops.OpDef#macs}), counted once the first pass has typed the
 *     imported graph: what PyTorch counts, and the figure for GFLOP/s, whatever extra work a
 *     rewrite (a ConvTranspose run as a phase Conv) gives the kernels
 * @param plan where every value lives at run time
 * @param options what the compilation was asked for (profile, back end, bindings)
 */
public record Compilation(Model model, Map<String, Integer> importedOps, List<PassPipeline.Step> steps, long macs,
                          MemoryPlan plan, CompileOptions options) {

    /** Compiles a model file with the standard passes, the default profile and no back end. */
    public static Compilation of(Path modelFile, InputBindings bindings) {
        return of(modelFile, CompileOptions.defaults().withBindings(bindings));
    }

    /** @throws CompileException naming the model file, for anything wrong with model or options */
    public static Compilation of(Path modelFile, CompileOptions options) {
        return of(OnnxImporter.read(modelFile), options);
    }

    /** Compiles an imported model; its graph is rewritten in place. */
    public static Compilation of(Model model, CompileOptions options) {
        OpRegistry registry = OpRegistry.standard();
        try {
            Map<String, Integer> imported = model.graph().opHistogram();
            CheckSupport.check(model.graph(), registry);
            BindInputs.apply(model, options.bindings());
            PassPipeline pipeline;
            try {
                pipeline = PassPipeline.standard(registry)
                        .then(options.target().passes(options.profile()), registry)
                        .without(options.disabledPasses(), registry);
            } catch (IllegalArgumentException e) {
                throw new CompileException(e.getMessage());
            }
            long[] macs = {-1};
            List<PassPipeline.Step> steps = pipeline.run(model.graph(), (pass, graph) -> {
                if (macs[0] < 0) {
                    macs[0] = graph.nodes().stream().mapToLong(n -> registry.get(n).macs(n)).sum();
                }
                options.afterEachPass().accept(pass, graph);
            });
            MemoryPlan plan = MemoryPlanner.plan(model.graph(), registry,
                    node -> options.target().scratchFloats(node, options.profile()));
            return new Compilation(model, imported, steps, Math.max(0, macs[0]), plan, options);
        } catch (InputNeededAtCompileTime e) {
            throw new CompileException(e.getMessage() + "; bind it to a constant with "
                    + options.bindings().syntax().constant(e.input(), "FILE")).inFile(model.location());
        } catch (CompileException e) {
            throw e.inFile(model.location());
        }
    }

    /** The CPU profile the graph was prepared for. */
    public TargetProfile profile() {
        return options.profile();
    }
}
