package dev.kiln.compiler.onnx.text;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.compiler.CompileException;
import dev.kiln.compiler.onnx.OnnxImporter;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.testing.ThreadAllocation;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the reader of ONNX's text syntax, and the importer on what it reads: any text ends
 * in a model or in a {@link CompileException} with a message. Anything else is a finding:
 * another exception, a run past the execution timeout, or an allocation that the text does
 * not back (a declared shape with few values, measured per input and caught by the small
 * heap of this target's surefire execution).
 *
 * <p>{@code mvn verify} replays the corpus under
 * {@code src/test/resources/dev/kiln/compiler/onnx/text/OnnxTextParserFuzzTestInputs/parser}
 * (the texts of the parser oracle, node-test models printed by {@link OnnxTextPrinter}, and
 * earlier findings); {@code -Pfuzz} fuzzes (docs/robustness.md).
 */
class OnnxTextParserFuzzTest {
    /** Inputs longer than this are skipped: long inputs fuzz slowly and find nothing new. */
    private static final int MAX_INPUT_BYTES = 1 << 16;
    /**
     * What reading may allocate beyond a multiple of the input: tokens, the parse tree and the
     * parser's caches take a few KB per byte of text; a declared tensor takes gigabytes.
     */
    private static final long ALLOCATION_SLACK = 16 << 20;
    private static final long ALLOCATION_PER_INPUT_BYTE = 4096;

    @FuzzTest
    void parser(byte[] input) {
        if (input.length > MAX_INPUT_BYTES) {
            return;
        }
        String text = new String(input, StandardCharsets.UTF_8);
        long allocated = ThreadAllocation.of(() -> read(text));
        if (allocated > ALLOCATION_SLACK + ALLOCATION_PER_INPUT_BYTE * input.length) {
            throw new AssertionError("reading " + input.length + " bytes of text allocated " + allocated + " bytes");
        }
    }

    private static void read(String text) {
        try {
            ModelProto model = OnnxTextReader.parse(text);
            OnnxImporter.convert(model, "fuzz.onnxtxt", "", null);
        } catch (CompileException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a CompileException without a message", e);
            }
        }
    }
}
