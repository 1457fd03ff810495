package dev.kiln.report;

import dev.kiln.compiler.ir.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Cuts a graph too big to draw at once into stages of at most {@code max} nodes,
 * in graph order, along the module names exporters give nodes
 * ({@code /features/features.1/attn/MatMul} is in module {@code features/features.1/attn}):
 * a run of consecutive nodes of one module is a stage unless it is too big, in which
 * case its sub-modules are. Nodes without a module go with the next node that has
 * one. A module too big with no sub-modules is cut into equal parts.
 */
final class Stages {
    /** A titled run of nodes, by position in the list split. */
    record Stage(String title, List<Integer> nodes) {
    }

    private Stages() {
    }

    static List<Stage> split(List<Node> nodes, int max) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            all.add(i);
        }
        if (nodes.size() <= max) {
            return List.of(new Stage("whole graph", all));
        }
        List<Stage> stages = new ArrayList<>();
        split(all, modules(nodes), 0, max, stages);
        return stages;
    }

    /** Each node's module path; a node without one takes the next node's (or the last one's). */
    private static List<String[]> modules(List<Node> nodes) {
        String[][] paths = new String[nodes.size()][];
        String[] next = null;
        for (int i = nodes.size() - 1; i >= 0; i--) {
            String[] parts = Arrays.stream(nodes.get(i).name().split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
            String[] module = Arrays.copyOf(parts, Math.max(0, parts.length - 1));
            if (module.length > 0) {
                next = module;
            }
            paths[i] = module.length > 0 || next == null ? module : next;
        }
        String[] last = new String[0];
        for (int i = 0; i < paths.length; i++) {
            if (paths[i].length == 0) {
                paths[i] = last;
            }
            last = paths[i];
        }
        return Arrays.asList(paths);
    }

    private static void split(List<Integer> nodes, List<String[]> modules, int depth, int max, List<Stage> out) {
        if (nodes.size() <= max) {
            out.add(new Stage(title(nodes, modules), nodes));
            return;
        }
        List<List<Integer>> runs = new ArrayList<>();
        String runKey = null;
        for (int v : nodes) {
            String[] m = modules.get(v);
            String key = m.length > depth ? m[depth] : null;
            if (runs.isEmpty() || key != null && runKey != null && !key.equals(runKey)) {
                runs.add(new ArrayList<>());
            }
            if (key != null) {
                runKey = key;
            }
            runs.get(runs.size() - 1).add(v);
        }
        boolean deeper = nodes.stream().anyMatch(v -> modules.get(v).length > depth);
        if (runs.size() == 1 && !deeper) {
            String title = title(nodes, modules);
            int parts = (nodes.size() + max - 1) / max;
            for (int p = 0; p < parts; p++) {
                int from = p * nodes.size() / parts;
                int to = (p + 1) * nodes.size() / parts;
                out.add(new Stage(title + " (part " + (p + 1) + " of " + parts + ")", nodes.subList(from, to)));
            }
            return;
        }
        for (List<Integer> run : runs) {
            split(run, modules, depth + 1, max, out);
        }
    }

    /** The module path all the nodes share. */
    private static String title(List<Integer> nodes, List<String[]> modules) {
        String[] first = modules.get(nodes.get(0));
        int shared = first.length;
        for (int v : nodes) {
            String[] m = modules.get(v);
            int k = 0;
            while (k < shared && k < m.length && Objects.equals(m[k], first[k])) {
                k++;
            }
            shared = k;
        }
        return shared == 0 ? "(top level)" : String.join("/", Arrays.copyOf(first, shared));
    }
}
