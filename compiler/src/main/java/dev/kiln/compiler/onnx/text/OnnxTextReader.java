package dev.kiln.compiler.onnx.text;

import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.CompileException;
import java.util.Set;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.Token;

/**
 * Reads a model written in ONNX's text syntax (onnx/docs/Syntax.md) into the
 * ModelProto that ONNX's own parser would produce for it, so that it takes the same
 * path through the importer as a .onnx file. Every mistake in the text is a
 * {@link CompileException} naming line and column.
 */
public final class OnnxTextReader {
    /**
     * How deep brackets may nest. Real models need a few levels per subgraph; the limit
     * keeps a hostile file from exhausting the parser's stack.
     */
    static final int MAX_NESTING = 100;

    private static final Set<String> OPENING = Set.of("'('", "'['", "'{'", "'<'");
    private static final Set<String> CLOSING = Set.of("')'", "']'", "'}'", "'>'");

    private OnnxTextReader() {
    }

    /** Parses a whole model: {@code <header> graph function*}. */
    public static ModelProto parse(String text) {
        OnnxTextLexer lexer = new OnnxTextLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        lexer.addErrorListener(new SyntaxErrors());
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        checkNesting(tokens);
        OnnxTextParser parser = new OnnxTextParser(tokens);
        parser.removeErrorListeners();
        parser.addErrorListener(new SyntaxErrors());
        try {
            return new ProtoBuilder().model(parser.model());
        } catch (StackOverflowError e) {
            throw new CompileException("the text nests too deeply to read");
        }
    }

    private static void checkNesting(CommonTokenStream tokens) {
        int depth = 0;
        for (Token t : tokens.getTokens()) {
            String literal = String.valueOf(OnnxTextLexer.VOCABULARY.getLiteralName(t.getType()));
            if (OPENING.contains(literal) && ++depth > MAX_NESTING) {
                throw SyntaxErrors.at(t, "brackets nest more than " + MAX_NESTING + " levels deep here");
            }
            if (CLOSING.contains(literal)) {
                depth = Math.max(0, depth - 1);
            }
        }
    }
}
