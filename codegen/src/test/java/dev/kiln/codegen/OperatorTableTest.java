package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ops.OpDef;
import dev.kiln.compiler.ops.OpRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

class OperatorTableTest {
    private static final Path DOC = Paths.get("..", "docs", "operators.md");

    @Test
    void committedDocumentMatchesTheRegistry() throws Exception {
        String expected = OperatorTable.markdown();
        String actual = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "(missing)";
        assertEquals(expected, actual, "docs/operators.md is out of date: run ./kiln operators -o docs/operators.md");
    }

    @Test
    void everyRegisteredOpHasARow() {
        String table = OperatorTable.markdown();
        for (OpDef op : OpRegistry.standard().all()) {
            assertTrue(table.contains("| " + op.opType() + " |") || table.contains("." + op.opType() + " |"),
                    op.opType() + " is missing from the table");
        }
    }
}
