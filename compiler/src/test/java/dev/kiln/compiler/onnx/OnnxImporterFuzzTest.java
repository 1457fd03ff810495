package dev.kiln.compiler.onnx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.compiler.CompileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the ONNX importer: any bytes end in a model or in a {@link CompileException} with
 * a message. Anything else is a finding: another exception, a run past the execution timeout,
 * or an allocation that the input's bytes do not back (measured per input, and caught by the
 * small heap of this target's surefire execution).
 *
 * <p>{@code mvn verify} replays the corpus under
 * {@code src/test/resources/dev/kiln/compiler/onnx/OnnxImporterFuzzTestInputs/importer}
 * (node-test models and earlier findings); {@code -Pfuzz} fuzzes (docs/robustness.md).
 */
class OnnxImporterFuzzTest {
    /** Inputs longer than this are skipped: long inputs fuzz slowly and find nothing new. */
    private static final int MAX_INPUT_BYTES = 1 << 16;
    /** What importing may allocate beyond a multiple of the input (parser buffers, hashing, IR objects). */
    private static final long ALLOCATION_SLACK = 8 << 20;
    private static final long ALLOCATION_PER_INPUT_BYTE = 512;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final ClassLoadingMXBean CLASSES = ManagementFactory.getClassLoadingMXBean();
    /** The model's folder: external data may name weights.bin in it (4 KB) or try to leave it. */
    private static final Path MODEL_DIR = modelDir();

    @FuzzTest
    void importer(byte[] model) {
        if (model.length > MAX_INPUT_BYTES) {
            return;
        }
        long classes = CLASSES.getTotalLoadedClassCount();
        long allocated = importMeasuringAllocation(model);
        if (CLASSES.getTotalLoadedClassCount() != classes) {
            // A first use of some code: loading (and instrumenting) classes allocated too. Again, alone.
            allocated = importMeasuringAllocation(model);
        }
        if (allocated > ALLOCATION_SLACK + ALLOCATION_PER_INPUT_BYTE * model.length) {
            throw new AssertionError("importing " + model.length + " bytes allocated " + allocated + " bytes");
        }
    }

    /** Imports the model; returns the bytes this thread allocated doing it. */
    private static long importMeasuringAllocation(byte[] model) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            OnnxImporter.read(new ByteArrayInputStream(model), MODEL_DIR.resolve("fuzz.onnx"), MODEL_DIR);
        } catch (CompileException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a CompileException without a message", e);
            }
        }
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static Path modelDir() {
        try {
            Path dir = Files.createTempDirectory("kiln-fuzz-model");
            Files.write(dir.resolve("weights.bin"), new byte[4096]);
            dir.toFile().deleteOnExit();
            dir.resolve("weights.bin").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
