package dev.kiln.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.compiler.ir.Attributes;
import dev.kiln.compiler.ir.Node;
import dev.kiln.compiler.ir.Value;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StagesTest {
    /** A chain of nodes named like PyTorch's exporter names them, {@code /module/path/Op_i}. */
    private static List<Node> chain(String... modulesAndCounts) {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < modulesAndCounts.length; i += 2) {
            int count = Integer.parseInt(modulesAndCounts[i + 1]);
            for (int k = 0; k < count; k++) {
                String name = modulesAndCounts[i] + "Relu_" + nodes.size();
                nodes.add(new Node("Relu", "", name, 14, new Attributes(), List.of(), List.of(new Value("v", null))));
            }
        }
        return nodes;
    }

    private static List<String> titles(List<Stages.Stage> stages) {
        return stages.stream().map(s -> s.title() + " " + s.nodes().size()).toList();
    }

    @Test
    void aSmallGraphIsOneStage() {
        assertEquals(List.of("whole graph 5"), titles(Stages.split(chain("/a/", "5"), 10)));
    }

    @Test
    void aBigGraphIsCutAlongItsModulesAndOnlyAsDeepAsNeeded() {
        List<Node> nodes = chain("/features/features.0/", "4", "/features/features.1/block.0/", "6",
                "/features/features.1/block.1/", "7", "/features/features.2/", "3", "", "1", "/head/", "2");
        List<Stages.Stage> stages = Stages.split(nodes, 8);
        // features.1 (13 nodes) is too big, so its blocks are stages; the unnamed node goes with the head.
        assertEquals(List.of("features/features.0 4", "features/features.1/block.0 6", "features/features.1/block.1 7",
                "features/features.2 3", "head 3"), titles(stages));
        List<Integer> all = stages.stream().flatMap(s -> s.nodes().stream()).toList();
        for (int i = 0; i < nodes.size(); i++) {
            assertEquals(i, all.get(i), "every node once, in graph order");
        }
    }

    @Test
    void aModuleTooBigWithoutSubModulesIsCutIntoEqualParts() {
        List<Stages.Stage> stages = Stages.split(chain("/a/", "2", "/b/attn/", "25"), 10);
        assertEquals(List.of("a 2", "b/attn (part 1 of 3) 8", "b/attn (part 2 of 3) 8", "b/attn (part 3 of 3) 9"),
                titles(stages));
        assertTrue(stages.stream().allMatch(s -> s.nodes().size() <= 10));
    }
}
