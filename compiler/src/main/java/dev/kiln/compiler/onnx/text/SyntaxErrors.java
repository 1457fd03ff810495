package dev.kiln.compiler.onnx.text;

import dev.kiln.compiler.CompileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;

/**
 * Turns the first syntax error into a {@link CompileException} that names the line,
 * the column, what was expected and what was found, in the user's words rather than
 * ANTLR's. Parsing stops there: there is no error recovery to loop in.
 */
final class SyntaxErrors extends BaseErrorListener {
    /** What each grammar rule is, for "in a node" hints. */
    private static final Map<Integer, String> RULES = Map.ofEntries(
            Map.entry(OnnxTextParser.RULE_header, "the header"),
            Map.entry(OnnxTextParser.RULE_headerEntry, "the header"),
            Map.entry(OnnxTextParser.RULE_pairList, "a list of \"key\": value pairs"),
            Map.entry(OnnxTextParser.RULE_pair, "a list of \"key\": value pairs"),
            Map.entry(OnnxTextParser.RULE_graph, "a graph"),
            Map.entry(OnnxTextParser.RULE_inputList, "the graph's inputs"),
            Map.entry(OnnxTextParser.RULE_outputList, "the graph's outputs"),
            Map.entry(OnnxTextParser.RULE_initializerList, "the graph's initializers"),
            Map.entry(OnnxTextParser.RULE_type, "a type"),
            Map.entry(OnnxTextParser.RULE_shape, "a shape"),
            Map.entry(OnnxTextParser.RULE_dim, "a shape"),
            Map.entry(OnnxTextParser.RULE_nodeList, "the list of nodes"),
            Map.entry(OnnxTextParser.RULE_node, "a node"),
            Map.entry(OnnxTextParser.RULE_idList, "a node"),
            Map.entry(OnnxTextParser.RULE_attributeList, "the attributes"),
            Map.entry(OnnxTextParser.RULE_attribute, "an attribute"),
            Map.entry(OnnxTextParser.RULE_attributeValue, "an attribute value"),
            Map.entry(OnnxTextParser.RULE_singleValue, "an attribute value"),
            Map.entry(OnnxTextParser.RULE_tensorConstant, "a tensor"),
            Map.entry(OnnxTextParser.RULE_constantData, "a tensor's values"),
            Map.entry(OnnxTextParser.RULE_function, "a function"),
            Map.entry(OnnxTextParser.RULE_functionAttributes, "a function's attributes"),
            Map.entry(OnnxTextParser.RULE_functionIo, "a function's inputs or outputs"));

    /** A CompileException at a token's position. */
    static CompileException at(Token token, String message) {
        return new CompileException("line " + token.getLine() + ", column " + (token.getCharPositionInLine() + 1)
                + ": " + message);
    }

    /** A CompileException at the start of a part of the text. */
    static CompileException at(ParserRuleContext context, String message) {
        return at(context.getStart(), message);
    }

    @Override
    public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column, String msg,
                            RecognitionException e) {
        if (!(recognizer instanceof Parser parser) || !(offendingSymbol instanceof Token found)) {
            // The lexer cannot fail (UNEXPECTED takes any character), but say where if it ever does.
            throw new CompileException("line " + line + ", column " + (column + 1) + ": " + msg);
        }
        String where = RULES.containsKey(parser.getContext().getRuleIndex())
                ? " (in " + RULES.get(parser.getContext().getRuleIndex()) + ")" : "";
        throw at(found, problem(parser, found, e) + where);
    }

    private static String problem(Parser parser, Token found, RecognitionException e) {
        switch (found.getType()) {
            case OnnxTextLexer.UNEXPECTED:
                return "unexpected character " + character(found.getText());
            case OnnxTextLexer.UNTERMINATED_STRING:
                return "this string is never closed (a '\"' is missing)";
            default:
                break;
        }
        // Past the first token of an ambiguous construct, ANTLR's expected set describes
        // where the construct began, not this token: then say only what was found.
        if (e instanceof NoViableAltException n && n.getStartToken() != found) {
            return "unexpected " + describe(found);
        }
        IntervalSet expected = e != null && !(e instanceof NoViableAltException)
                ? e.getExpectedTokens() : parser.getExpectedTokens();
        return "expected " + describe(expected) + ", found " + describe(found);
    }

    private static String describe(Token t) {
        if (t.getType() == Token.EOF) {
            return "the end of the text";
        }
        String text = t.getText();
        return "'" + (text.length() > 40 ? text.substring(0, 37) + "..." : text) + "'";
    }

    private static String describe(IntervalSet expected) {
        List<String> words = new ArrayList<>();
        for (int type : expected.toList()) {
            String w = switch (type) {
                case Token.EOF -> "the end of the text";
                case OnnxTextLexer.ID -> "a name";
                case OnnxTextLexer.STRING -> "a quoted string";
                case OnnxTextLexer.INT -> "an integer";
                case OnnxTextLexer.FLOAT -> "a number";
                case OnnxTextLexer.NEG_SPECIAL -> "-inf";
                case OnnxTextLexer.UNEXPECTED, OnnxTextLexer.UNTERMINATED_STRING -> null;
                default -> OnnxTextLexer.VOCABULARY.getLiteralName(type);
            };
            if (w != null && !words.contains(w)) {
                words.add(w);
            }
        }
        if (words.size() <= 2) {
            return String.join(" or ", words);
        }
        return "one of " + String.join(", ", words);
    }

    private static String character(String c) {
        int cp = c.codePointAt(0);
        return cp >= 0x20 && cp < 0x7f ? "'" + c + "'" : String.format("U+%04X", cp);
    }
}
