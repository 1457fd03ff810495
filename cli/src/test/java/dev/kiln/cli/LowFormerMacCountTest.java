package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.compiler.Compilation;
import dev.kiln.compiler.InputBindings;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * For all eight released LowFormer variants, exported full size by PyTorch, the MACs
 * counted from Kiln's compiled graph reproduce the paper's table in
 * shared/lowformer/ARCHITECTURE.md (MMACs, rounded) and equal PyTorch's own count
 * saved beside the export. The same exports as {@code kiln bench --suite}'s. Needs
 * Debian's python3-torch and python3-onnx: run with {@code mvn verify -Pfull}.
 */
@Tag("full")
class LowFormerMacCountTest {
    private static final Path OUT = Path.of("..", "target", "bench", "models");

    @ParameterizedTest(name = "{0}")
    @CsvSource({"b0, 944", "b1, 1411", "b15, 2574", "b2, 3689", "b3, 6099", "e1, 1348", "e2, 3789", "e3, 4866"})
    void reproducesThePapersTable(String variant, long mmacs) throws Exception {
        SuiteModel m = SuiteModel.all().stream().filter(s -> s.key().equals(variant) && s.batch() == 1)
                .findFirst().orElseThrow();
        Path model = m.exported(Path.of(".."), OUT);
        long macs = Compilation.of(model, new InputBindings()).macs();
        assertEquals(mmacs, Math.round(macs / 1e6));
        assertEquals(MacCountTest.torchMacs(OUT.resolve(m.fileName().replace(".onnx", ".json"))), macs);
    }
}
