package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.codegen.OperatorTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code kiln bench} reports both engines per thread count and its other figures; {@code kiln operators} writes the table. */
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
    void benchReportsMacsAllocationMemoryAndStartUp() throws Exception {
        Cli.Result r = Cli.run("bench", Cli.fixture("lowformer_tiny_op17_176.onnx").toString(),
                "--threads", "1,2", "--warmup", "3", "--runs", "2", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> json = MiniJson.object(r.out());
        assertEquals((double) MacCountTest.torchMacs(Cli.fixture("lowformer_tiny_op17_176.json")), json.get("macs"));
        for (String key : List.of("compileMs", "javacMs", "loadMs", "onnxruntimeSessionMs")) {
            assertTrue((Double) json.get(key) > 0, key + " in " + json);
        }
        double arena = (Double) json.get("arenaBytes");
        assertTrue(arena > 0 && arena <= (Double) json.get("intermediateBytes"), json.toString());
        for (Object o : (List<?>) json.get("results")) {
            // run(float[], float[]) allocates nothing once warm, on any number of threads.
            assertEquals(0.0, ((Map<?, ?>) ((Map<?, ?>) o).get("kiln")).get("allocatedBytesPerCall"), o.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--runs 0", "", "MODEL --suite", "MODEL --fma-peak", "MODEL --target java,java",
        "MODEL --target nope", "MODEL --jdk /tmp", "--suite --models nope", "--suite --jdk /nonexistent"})
    void benchRefusesBadUsage(String args) {
        List<String> argv = new ArrayList<>(List.of("bench"));
        for (String a : args.split(" ")) {
            if (!a.isEmpty()) {
                argv.add(a.equals("MODEL") ? Cli.fixture("lowformer_tiny_op17_176.onnx").toString() : a);
            }
        }
        if (args.startsWith("--runs")) {
            argv.add(Cli.fixture("lowformer_tiny_op17_176.onnx").toString());
        }
        Cli.Result r = Cli.run(argv.toArray(String[]::new));
        assertEquals(2, r.exitCode(), r.toString());
        CompileCommandTest.assertOneErrorLine(r);
    }

    @Test
    void fmaPeakReportsTheVectorShape() {
        Cli.Result r = Cli.run("bench", "--fma-peak", "--json");
        assertEquals(0, r.exitCode(), r.toString());
        Map<String, Object> json = MiniJson.object(r.out());
        assertEquals((double) FmaPeak.SPECIES.length(), json.get("lanes"));
        assertTrue((Double) json.get("gflops") > 0, json.toString());
    }

    @Test
    void operatorsWritesTheRegistryTable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("operators.md");
        Cli.Result r = Cli.run("operators", "-o", file.toString());
        assertEquals(0, r.exitCode(), r.toString());
        assertEquals(OperatorTable.markdown(), Files.readString(file));
    }
}
