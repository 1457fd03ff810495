package dev.kiln.compiler.onnx.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.CompileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mistakes in a text model: each is one CompileException naming line and column and
 * what was expected, never another exception or a stack trace from deep inside.
 */
class OnnxTextErrorsTest {
    private static final String HEADER = "<ir_version: 8, opset_import: [\"\" : 17]>\n";

    private static String error(String text) {
        return assertThrows(CompileException.class, () -> OnnxTextReader.parse(text)).getMessage();
    }

    @Test
    void aMissingBracketNamesWhatWasExpected() {
        assertEquals("line 2, column 18: expected ',' or ')', found '=>' (in the graph's inputs)",
                error(HEADER + "g (float[2] x, y => (float[2] z) { z = Relu(x) }"));
        assertEquals("line 4, column 1: expected one of ',', '[', '=', '}', a name, a quoted string, found the end of the text"
                + " (in the list of nodes)",
                error(HEADER + "g (float[2] x) => (float[2] z) {\n  z = Relu(x)\n"));
    }

    @Test
    void aMisspelledTypeNamesTheKnownOnes() {
        String m = error(HEADER + "g (flaot[2] x) => (float[2] y) { y = Relu(x) }");
        assertTrue(m.startsWith("line 2, column 4: unknown element type 'flaot' (expected float, double,"), m);
    }

    @Test
    void lexicalMistakes() {
        assertEquals("line 2, column 36: unexpected character '$' (in a node)",
                error(HEADER + "g (float[2] x) => (float[2] y) { y $= Relu(x) }"));
        assertEquals("line 2, column 51: this string is never closed (a '\"' is missing) (in an attribute value)",
                error(HEADER + "g (float[2] x) => (float[2] y) { y = Relu(x) <s = \"open> }"));
        assertEquals("line 1, column 1: unexpected character U+0007",
                error("\u0007"));
    }

    @Test
    void valuesThatDoNotFitTheirTensor() {
        assertEquals("line 2, column 30: tensor 'w' holds int64 values; expected an integer, found '2.5'",
                error(HEADER + "g () => () <int64[2] w = {1, 2.5}> {}"));
        assertEquals("line 2, column 28: tensor 'w' float[2, 2] has 3 values, expected 4",
                error(HEADER + "g () => () <float[2,2] w = {1.0, 2.0, 3.0}> {}"));
        assertEquals("line 2, column 27: tensor 'b': 256 is out of the range of uint8 (0 to 255)",
                error(HEADER + "g () => () <uint8[1] b = {256}> {}"));
        assertEquals("line 2, column 13: tensor 'w': the dimensions of a tensor with values are numbers, not symbols or '?'",
                error(HEADER + "g () => () <float[N] w = {1.0}> {}"));
        assertEquals("line 1, column 14: integer 99999999999999999999 is out of the 64-bit range",
                error("<ir_version: 99999999999999999999> g () => () {}"));
    }

    @Test
    void attributeMistakes() {
        assertEquals("line 2, column 39: an empty list needs its type: write axes: ints = [] (or floats, strings, ...)",
                error(HEADER + "g (float[2] x) => (float y) { y = Op <axes = []> (x) }"));
        assertEquals("line 2, column 48: expected an integer, found a float",
                error(HEADER + "g (float[2] x) => (float y) { y = Op <n: int = 1.5> (x) }"));
        assertEquals("line 2, column 50: attribute 'axes' mixes an integer and a string in one list",
                error(HEADER + "g (float[2] x) => (float y) { y = Op <axes = [1, \"a\"]> (x) }"));
        assertEquals("line 2, column 50: attributes go either before or after the inputs, not both",
                error(HEADER + "g (float[2] x) => (float y) { y = Op <a = 1> (x) <b = 2> }"));
        assertEquals("line 2, column 42: unknown attribute type 'integer' (expected int, float, string, tensor, graph, "
                + "type_proto, or a list: ints, floats, ...)",
                error(HEADER + "g (float[2] x) => (float y) { y = Op <a: integer = 1> (x) }"));
    }

    @Test
    void headerMistakes() {
        assertTrue(error("<ir_versoin: 8> g () => () {}").startsWith(
                "line 1, column 2: unknown header key 'ir_versoin' (expected one of doc_string, domain, ir_version,"));
        assertEquals("line 1, column 17: 'ir_version' is given twice", error("<ir_version: 8, ir_version: 9> g () => () {}"));
        assertEquals("line 1, column 2: 'ir_version' takes an integer", error("<ir_version: \"8\"> g () => () {}"));
        assertEquals("line 2, column 1: expected one of '<', a name, a quoted string, found the end of the text",
                error("# only a comment\n"));
    }

    @Test
    void deepNestingIsRefusedBeforeParsing() {
        String deep = HEADER + "g (" + "seq(".repeat(5000) + "float" + ")".repeat(5000) + " x) => () {}";
        assertEquals("line 2, column 403: brackets nest more than 100 levels deep here", error(deep));
    }

    /**
     * Small random edits of a valid model (deleted, inserted, repeated or cut text) either
     * parse or fail with a CompileException naming a line; nothing else escapes.
     */
    @Test
    void randomEditsOfAValidModelFailCleanly() {
        String valid = HEADER + """
                "main graph" (float[N, 3] x, float[3] b = {1.0, 2.0, 3.0}) => (float[N, 3] y, int64[2] s)
                <float[3, 3] w = {1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0}, float[N, 3] t>
                {
                    ["mm"] t = MatMul(x, w)
                    y = If (c) <then_branch = th () => (float[N, 3] a) { a = Add(t, b) },
                                else_branch = el () => (float[N, 3] e) { e = Sub(t, b) }>
                    s = Shape <start = -2> (x)
                    k = Constant <value = float[2] {nan, -inf}, strs = ["a", "b\\"c"], tp = seq(float)> ()
                }

                <domain: "local", opset_import: ["" : 17]>
                F <alpha, beta: float = 0.5> (p) => (q) { q = Mul(p, p) }
                """;
        String alphabet = "<>()[]{},:=@\"\\#.-?0123456789 \nabcxyzN";
        Random random = new Random(42);
        List<String> escaped = new ArrayList<>();
        int parsed = 0;
        for (int i = 0; i < 2000; i++) {
            StringBuilder t = new StringBuilder(valid);
            for (int edits = 1 + random.nextInt(3); edits > 0 && t.length() > 0; edits--) {
                int at = random.nextInt(t.length());
                switch (random.nextInt(4)) {
                    case 0 -> t.deleteCharAt(at);
                    case 1 -> t.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 2 -> t.insert(at, t.substring(at, Math.min(t.length(), at + random.nextInt(12))));
                    default -> t.setLength(at);
                }
            }
            try {
                OnnxTextReader.parse(t.toString());
                parsed++;
            } catch (CompileException e) {
                if (!e.getMessage().matches("(?s)line \\d+, column \\d+: .+")) {
                    escaped.add(e.getMessage());
                }
            } catch (RuntimeException | StackOverflowError e) {
                escaped.add(e + " for:\n" + t);
            }
        }
        assertEquals(List.of(), escaped);
        assertTrue(parsed > 0 && parsed < 2000, parsed + " of the edited texts parsed");
    }
}
