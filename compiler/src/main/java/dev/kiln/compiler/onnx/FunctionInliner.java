package dev.kiln.compiler.onnx;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.OperatorSetIdProto;
import dev.kiln.compiler.CompileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces every call of a model-local function by the function's body, so the rest
 * of Kiln sees only ops. Inner values get fresh names under the calling node's name
 * ({@code call/inner}); {@code @attr} references take the caller's attribute or the
 * function's default. A function may call other functions, not itself.
 *
 * <p>Refused, with a message naming the function: a body that imports an opset the
 * model imports at another version (Kiln gives each domain one version per model),
 * and a body node with a subgraph (its names would need renaming across scopes).
 */
public final class FunctionInliner {
    private static final int MAX_DEPTH = 50;
    /** Functions that call others several times grow exponentially with depth: a hostile model must not hang Kiln. */
    private static final int MAX_NODES = 1_000_000;

    private final Map<String, OnnxFunction> functions = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Set<String> usedNodeNames = new HashSet<>();
    private int calls;
    private final Map<OnnxFunction, Long> sizes = new IdentityHashMap<>();

    private FunctionInliner(List<OnnxFunction> functions) {
        for (OnnxFunction f : functions) {
            if (this.functions.put(key(f.domain(), f.name(), f.overload()), f) != null) {
                throw new CompileException("the model defines function '" + f.qualifiedName() + "' twice");
            }
        }
    }

    /** The model with its functions inlined and removed; a model without functions is returned as it is. */
    public static ModelProto inline(ModelProto model) {
        List<OnnxFunction> functions = NewerProtoFields.functions(model);
        if (functions.isEmpty()) {
            return model;
        }
        FunctionInliner inliner = new FunctionInliner(functions);
        ModelProto.Builder b = model.toBuilder();
        b.clearOpsetImport().addAllOpsetImport(mergedOpsets(model.getOpsetImportList(), functions));
        long size = inliner.size(model.getGraph(), 0);
        if (size > MAX_NODES) {
            throw new CompileException("inlining the model's functions would make more than " + MAX_NODES + " nodes");
        }
        inliner.collectNames(model.getGraph());
        b.setGraph(inliner.graph(model.getGraph()));
        NewerProtoFields.setFunctions(b, List.of());
        return b.build();
    }

    /** The model's opset imports plus any domain only a function imports; a version conflict is an error. */
    private static List<OperatorSetIdProto> mergedOpsets(List<OperatorSetIdProto> model, List<OnnxFunction> functions) {
        Map<String, Long> versions = new LinkedHashMap<>();
        model.forEach(o -> versions.put(domain(o.getDomain()), o.getVersion()));
        for (OnnxFunction f : functions) {
            for (OperatorSetIdProto o : f.opsetImports()) {
                String d = domain(o.getDomain());
                Long v = versions.putIfAbsent(d, o.getVersion());
                if (v != null && v != o.getVersion()) {
                    throw new CompileException("function '" + f.qualifiedName() + "' imports "
                            + (d.isEmpty() ? "ai.onnx" : d) + " opset " + o.getVersion() + " but the model imports opset "
                            + v + "; Kiln inlines a function only when both import the same version of each domain");
                }
            }
        }
        List<OperatorSetIdProto> merged = new ArrayList<>();
        versions.forEach((d, v) -> merged.add(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v).build()));
        return merged;
    }

    private void collectNames(GraphProto g) {
        g.getInputList().forEach(v -> usedNames.add(v.getName()));
        g.getInitializerList().forEach(t -> usedNames.add(t.getName()));
        for (NodeProto n : g.getNodeList()) {
            usedNames.addAll(n.getOutputList());
            usedNodeNames.add(n.getName());
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collectNames(a.getG());
                }
                a.getGraphsList().forEach(this::collectNames);
            }
        }
    }

    /**
     * How many nodes the graph has once inlined, counted without inlining (each function's
     * size once), so that a model whose functions double at every level is refused at once.
     * Saturates just above the limit.
     */
    private long size(GraphProto g, int depth) {
        long n = 0;
        for (NodeProto node : g.getNodeList()) {
            OnnxFunction f = functions.get(key(node.getDomain(), node.getOpType(), NewerProtoFields.overload(node)));
            n += f == null ? 1 : size(f, depth + 1);
            for (AttributeProto a : node.getAttributeList()) {
                n += a.hasG() ? size(a.getG(), depth) : 0;
                for (GraphProto sub : a.getGraphsList()) {
                    n += size(sub, depth);
                }
            }
            n = Math.min(n, MAX_NODES + 1L);
        }
        return n;
    }

    private long size(OnnxFunction f, int depth) {
        if (depth > MAX_DEPTH) {
            throw new CompileException("function '" + f.qualifiedName() + "' is called more than " + MAX_DEPTH
                    + " levels deep; does it call itself?");
        }
        Long known = sizes.get(f);
        if (known == null) {
            known = size(GraphProto.newBuilder().addAllNode(f.nodes()).build(), depth);
            sizes.put(f, known);
        }
        return known;
    }

    /** The graph with calls expanded, in subgraphs too. */
    private GraphProto graph(GraphProto g) {
        List<NodeProto> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            expand(withSubgraphsExpanded(n), nodes);
        }
        return g.toBuilder().clearNode().addAllNode(nodes).build();
    }

    private NodeProto withSubgraphsExpanded(NodeProto n) {
        if (n.getAttributeList().stream().noneMatch(a -> a.hasG() || a.getGraphsCount() > 0)) {
            return n;
        }
        NodeProto.Builder b = n.toBuilder();
        for (int i = 0; i < n.getAttributeCount(); i++) {
            AttributeProto a = n.getAttribute(i);
            AttributeProto.Builder ab = a.toBuilder();
            if (a.hasG()) {
                ab.setG(graph(a.getG()));
            }
            ab.clearGraphs();
            a.getGraphsList().forEach(sub -> ab.addGraphs(graph(sub)));
            b.setAttribute(i, ab);
        }
        return b.build();
    }

    /** Appends {@code n}, or the expanded body of the function it calls, to {@code out}. */
    private void expand(NodeProto n, List<NodeProto> out) {
        OnnxFunction f = functions.get(key(n.getDomain(), n.getOpType(), NewerProtoFields.overload(n)));
        if (f == null) {
            out.add(n);
            return;
        }
        String what = "node " + (n.getName().isEmpty() ? "(unnamed)" : "'" + n.getName() + "'")
                + " calling function '" + f.qualifiedName() + "'";
        if (n.getInputCount() > f.inputs().size() || n.getOutputCount() > f.outputs().size()) {
            throw new CompileException(what + ": it has " + n.getInputCount() + " inputs and " + n.getOutputCount()
                    + " outputs; the function takes " + f.inputs().size() + " and " + f.outputs().size());
        }
        Map<String, AttributeProto> given = new HashMap<>();
        for (AttributeProto a : n.getAttributeList()) {
            boolean declared = f.attributes().contains(a.getName())
                    || f.attributeDefaults().stream().anyMatch(d -> d.getName().equals(a.getName()));
            if (!declared) {
                throw new CompileException(what + ": the function has no attribute '" + a.getName() + "'");
            }
            given.put(a.getName(), a);
        }
        f.attributeDefaults().forEach(d -> given.putIfAbsent(d.getName(), d));

        String prefix = (n.getName().isEmpty() ? f.name() + "_" + calls : n.getName()) + "/";
        calls++;
        Map<String, String> names = new HashMap<>();
        names.put("", "");
        for (int i = 0; i < f.inputs().size(); i++) {
            names.put(f.inputs().get(i), i < n.getInputCount() ? n.getInput(i) : "");
        }
        for (int i = 0; i < f.outputs().size(); i++) {
            String formal = f.outputs().get(i);
            names.put(formal, i < n.getOutputCount() ? n.getOutput(i) : fresh(prefix + formal, usedNames));
        }
        for (NodeProto body : f.nodes()) {
            NodeProto.Builder b = body.toBuilder().clearInput().clearOutput().clearAttribute()
                    .setName(fresh(prefix + (body.getName().isEmpty() ? body.getOpType() : body.getName()), usedNodeNames));
            for (String in : body.getInputList()) {
                String actual = names.get(in);
                if (actual == null) {
                    throw new CompileException("function '" + f.qualifiedName() + "': node "
                            + (body.getName().isEmpty() ? body.getOpType() : "'" + body.getName() + "'")
                            + " reads '" + in + "', which is neither an input of the function nor computed before it");
                }
                b.addInput(actual);
            }
            for (String o : body.getOutputList()) {
                b.addOutput(names.computeIfAbsent(o, x -> fresh(prefix + x, usedNames)));
            }
            for (AttributeProto a : body.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    throw new CompileException("function '" + f.qualifiedName() + "': node " + body.getOpType()
                            + " has a subgraph; Kiln does not inline functions whose bodies have subgraphs");
                }
                if (a.getRefAttrName().isEmpty()) {
                    b.addAttribute(a);
                } else if (given.containsKey(a.getRefAttrName())) {
                    b.addAttribute(given.get(a.getRefAttrName()).toBuilder().setName(a.getName()));
                }
            }
            expand(b.build(), out);
        }
    }

    /** {@code name}, or {@code name_1}, {@code name_2}... if {@code used} already holds it; then it does. */
    private static String fresh(String name, Set<String> used) {
        String candidate = name;
        for (int i = 1; !used.add(candidate); i++) {
            candidate = name + "_" + i;
        }
        return candidate;
    }

    private static String key(String domain, String name, String overload) {
        return domain(domain) + "\u0000" + name + "\u0000" + overload;
    }

    private static String domain(String d) {
        return d.equals("ai.onnx") ? "" : d;
    }
}
