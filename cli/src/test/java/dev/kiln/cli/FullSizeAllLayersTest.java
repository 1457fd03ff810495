package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln verify --all-layers} on full-size LowFormer-B0, exported by PyTorch (the export
 * {@code kiln bench --suite} and {@link LowFormerMacCountTest} use): every layer agrees with ONNX
 * Runtime's, channels-last ones after undoing their layout, up to the logits. Needs Debian's
 * python3-torch and python3-onnx: run with {@code mvn verify -Pfull}.
 */
@Tag("full")
class FullSizeAllLayersTest {
    private static final Path OUT = Path.of("..", "target", "bench", "models");

    @Test
    void lowFormerB0AgreesLayerByLayer() throws Exception {
        SuiteModel b0 = SuiteModel.all().stream().filter(s -> s.key().equals("b0") && s.batch() == 1)
                .findFirst().orElseThrow();
        Path model = b0.exported(Path.of(".."), OUT);
        Cli.Result run = Cli.run("verify", model.toString(), "--all-layers", "--json");
        assertEquals(0, run.exitCode(), run.toString());
        Map<String, Object> json = MiniJson.object(run.out());
        assertEquals(true, json.get("passed"));
        List<?> layers = (List<?>) json.get("layers");
        long nhwc = layers.stream().filter(l -> "NHWC".equals(((Map<?, ?>) l).get("layout"))).count();
        assertTrue(layers.size() > 80 && nhwc > 60, layers.size() + " layers compared, " + nhwc + " channels-last");
        Map<?, ?> last = (Map<?, ?>) layers.get(layers.size() - 1);
        assertEquals("logits", last.get("output"), last.toString());
    }
}
