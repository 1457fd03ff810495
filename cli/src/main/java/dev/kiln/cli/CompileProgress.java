package dev.kiln.cli;

import dev.kiln.compiler.ir.Graph;
import dev.kiln.compiler.passes.Pass;
import java.io.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars on stderr for the long steps of compiling a large model: reading the
 * file, then the passes and the code generation. Drawn (by me.tongfei:progressbar) only
 * on a terminal and for models of {@value #LARGE_MODEL_MB} MB and more, which take seconds;
 * silent in pipes, files, CI logs and the tests. {@code -Dkiln.progress=false} turns it off
 * (the {@code ./kiln} launcher passes it when stderr is not a terminal, which Java cannot see).
 */
final class CompileProgress implements AutoCloseable {
    static final int LARGE_MODEL_MB = 16;
    private static final long MB = 1 << 20;

    private final boolean shown;
    private final long modelBytes;
    private ProgressBar bar;

    private CompileProgress(boolean shown, long modelBytes) {
        this.shown = shown;
        this.modelBytes = modelBytes;
    }

    /** Progress for compiling {@code model}: bars if it is large and we are on a terminal, else nothing. */
    static CompileProgress of(Path model) {
        long bytes;
        try {
            bytes = Files.size(model);
        } catch (java.io.IOException e) {
            bytes = 0; // the importer reports the problem
        }
        return new CompileProgress(bytes >= LARGE_MODEL_MB * MB && onTerminal(), bytes);
    }

    /** Where the importer reports the bytes it has read. */
    LongConsumer reading() {
        if (shown) {
            bar = bar("Reading", modelBytes / MB, " MB");
        }
        return bytes -> {
            if (bar != null) {
                bar.stepTo(bytes / MB);
            }
        };
    }

    /** Called after each of {@code count} passes; the code generation counts as one more step. */
    BiConsumer<Pass, Graph> passes(int count) {
        if (shown) {
            end();
            bar = bar("Compiling", count + 1, "");
        }
        int[] done = {0};
        return (pass, graph) -> {
            done[0]++;
            if (bar != null) {
                bar.step();
                // After the last pass the back end writes the source.
                bar.setExtraMessage(done[0] >= count ? "generating Java" : pass.name());
            }
        };
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.stepTo(bar.getMax());
            bar.setExtraMessage("");
        }
        end();
    }

    private void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private static ProgressBar bar(String task, long max, String unit) {
        return new ProgressBarBuilder().setTaskName("kiln: " + task).setInitialMax(max)
                .setUnit(unit, 1).setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).setUpdateIntervalMillis(200)
                .continuousUpdate().build();
    }

    /** Whether stdin and stdout are a terminal (stderr Java cannot check; see the class comment). */
    private static boolean onTerminal() {
        if ("false".equals(System.getProperty("kiln.progress"))) {
            return false;
        }
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // From JDK 22 System.console() exists even when redirected; isTerminal() tells.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
