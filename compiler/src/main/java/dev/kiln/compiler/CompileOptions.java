package dev.kiln.compiler;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.passes.Pass;
import dev.kiln.compiler.target.CodegenTarget;
import dev.kiln.compiler.target.TargetProfile;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Everything that shapes a compilation besides the model: the input bindings, the
 * CPU profile, the back end the graph is prepared for, passes to leave out, and an
 * optional listener that sees the graph after each pass.
 */
public record CompileOptions(InputBindings bindings, TargetProfile profile, CodegenTarget target,
                             Set<String> disabledPasses, BiConsumer<Pass, Graph> afterEachPass) {

    public CompileOptions {
        disabledPasses = Set.copyOf(disabledPasses);
    }

    /** No bindings, the default profile, no back end, every pass. */
    public static CompileOptions defaults() {
        return new CompileOptions(new InputBindings(), TargetProfile.DEFAULT, CodegenTarget.NONE, Set.of(),
                (pass, graph) -> { });
    }

    public CompileOptions withBindings(InputBindings b) {
        return new CompileOptions(b, profile, target, disabledPasses, afterEachPass);
    }

    public CompileOptions withProfile(TargetProfile p) {
        return new CompileOptions(bindings, p, target, disabledPasses, afterEachPass);
    }

    public CompileOptions withTarget(CodegenTarget t) {
        return new CompileOptions(bindings, profile, t, disabledPasses, afterEachPass);
    }

    public CompileOptions withDisabledPasses(Set<String> names) {
        return new CompileOptions(bindings, profile, target, names, afterEachPass);
    }

    public CompileOptions withAfterEachPass(BiConsumer<Pass, Graph> listener) {
        return new CompileOptions(bindings, profile, target, disabledPasses, listener);
    }

    /** The options as command-line flags, for the generated header and the fingerprint. */
    public String describe() {
        StringBuilder s = new StringBuilder(bindings.describe());
        for (String pass : disabledPasses.stream().sorted().toList()) {
            s.append(s.length() == 0 ? "" : " ").append("--disable-pass ").append(pass);
        }
        return s.toString();
    }
}
