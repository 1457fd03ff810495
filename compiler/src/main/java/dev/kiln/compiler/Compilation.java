package dev.kiln.compiler;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.ir.Model;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.ops.InputNeededAtCompileTime;
import dev.kiln.compiler.ops.OpRegistry;
import dev.kiln.compiler.passes.BindInputs;
import dev.kiln.compiler.passes.CheckSupport;
import dev.kiln.compiler.passes.Pass;
import dev.kiln.compiler.passes.PassPipeline;
import dev.kiln.compiler.plan.MemoryPlan;
import dev.kiln.compiler.plan.MemoryPlanner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The front half of Kiln, from a model file to a planned graph that a back end
 * can emit: import, bind input shapes, check support, run the passes, plan memory.
 *
 * @param model the model, its graph rewritten by the passes
 * @param importedOps the op histogram as imported, before any pass
 * @param steps what each pass did
 * @param plan where every value lives at run time
 */
public record Compilation(Model model, Map<String, Integer> importedOps, List<PassPipeline.Step> steps,
                          MemoryPlan plan) {

    /** Compiles a model file with the standard passes. */
    public static Compilation of(Path modelFile, InputBindings bindings) {
        return of(modelFile, bindings, Set.of(), (p, g) -> { });
    }

    /**
     * @param disabledPasses names of passes to skip
     * @param afterEachPass called after each pass with the graph, for listings
     * @throws CompileException naming the model file, for anything wrong with model or options
     */
    public static Compilation of(Path modelFile, InputBindings bindings, Set<String> disabledPasses,
                                 BiConsumer<Pass, Graph> afterEachPass) {
        Model model = OnnxImporter.read(modelFile);
        return of(model, bindings, disabledPasses, afterEachPass);
    }

    /** Compiles an imported model; its graph is rewritten in place. */
    public static Compilation of(Model model, InputBindings bindings, Set<String> disabledPasses,
                                 BiConsumer<Pass, Graph> afterEachPass) {
        OpRegistry registry = OpRegistry.standard();
        try {
            Map<String, Integer> imported = model.graph().opHistogram();
            CheckSupport.check(model.graph(), registry);
            BindInputs.apply(model, bindings);
            PassPipeline pipeline;
            try {
                pipeline = PassPipeline.standard(registry).without(disabledPasses, registry);
            } catch (IllegalArgumentException e) {
                throw new CompileException(e.getMessage());
            }
            List<PassPipeline.Step> steps = pipeline.run(model.graph(), afterEachPass);
            MemoryPlan plan = MemoryPlanner.plan(model.graph(), registry);
            return new Compilation(model, imported, steps, plan);
        } catch (InputNeededAtCompileTime e) {
            throw new CompileException(e.getMessage() + "; bind it to a constant with "
                    + bindings.syntax().constant(e.input(), "FILE")).inFile(model.location());
        } catch (CompileException e) {
            throw e.inFile(model.location());
        }
    }
}
