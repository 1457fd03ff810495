package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.OperatorTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln bench} reports both engines per thread count; {@code kiln operators} writes the table. */
class BenchAndOperatorsCommandTest {
    @Test
    void benchMeasuresKilnAndOnnxRuntimeForEachThreadCount() {
        // Only the report's structure is checked: speed is measured by running bench, never asserted.
        Cli.Result r = Cli.run("bench", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(),
                "--threads", "1,2", "--warmup", "0", "--runs", "1", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> json = MiniJson.object(r.out());
        List<?> results = (List<?>) json.get("results");
        assertEquals(2, results.size());
        for (Object o : results) {
            Map<?, ?> m = (Map<?, ?>) o;
            assertTrue(m.containsKey("kiln") && m.containsKey("onnxruntime") && m.containsKey("ratio"), m.toString());
        }
    }

    @Test
    void benchRefusesZeroRuns() {
        Cli.Result r = Cli.run("bench", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(), "--runs", "0");
        assertEquals(2, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
    }

    @Test
    void operatorsWritesTheRegistryTable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("operators.md");
        Cli.Result r = Cli.run("operators", "-o", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(OperatorTable.markdown(), Files.readString(file));
    }
}
