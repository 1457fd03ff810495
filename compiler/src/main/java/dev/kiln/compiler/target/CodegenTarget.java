package dev.kiln.compiler.target;

import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.passes.Pass;
import java.util.List;

/**
 * What the compiler needs to know of the back end it compiles for, before the back
 * end writes any code: the passes that shape the graph for its kernels (layout,
 * weight packing) and the scratch memory each of its kernels needs, which the
 * memory planner reserves. Back ends (in codegen) implement it; the compiler never
 * depends on them.
 */
public interface CodegenTarget {
    /** The back end's name, e.g. {@code java}. */
    String id();

    /** Passes to run after the standard ones, configured for {@code profile}. */
    List<Pass> passes(TargetProfile profile);

    /** Floats of scratch memory one part of {@code node}'s kernel needs; 0 for none. */
    long scratchFloats(Node node, TargetProfile profile);

    /** No back end: the standard passes only, no scratch (for inspecting a graph). */
    CodegenTarget NONE = new CodegenTarget() {
        @Override
        public String id() {
            return "none";
        }

        @Override
        public List<Pass> passes(TargetProfile profile) {
            return List.of();
        }

        @Override
        public long scratchFloats(Node node, TargetProfile profile) {
            return 0;
        }
    };
}
