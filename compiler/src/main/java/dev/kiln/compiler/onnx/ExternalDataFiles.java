package dev.kiln.compiler.onnx;

import dev.kiln.compiler.onnx.proto.OnnxMl.AttributeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.GraphProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.NodeProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The files a model names as external data, for a build tool's up-to-date check (the Maven
 * plugin's stamp): a compile reads them, so they decide its output as the model file does.
 * Lists the existing files inside the model's folder; any other location is the compile's
 * to report.
 */
public final class ExternalDataFiles {
    private ExternalDataFiles() {
    }

    /**
     * The external data files of {@code model}, sorted. Reads the model as the importer does
     * (a {@link dev.kiln.compiler.CompileException} for one it cannot read), one initializer
     * at a time, without decoding any tensor.
     */
    public static List<Path> of(Path model) {
        Set<String> locations = new TreeSet<>();
        ModelFile f = ModelFile.read(model, bytes -> { }, t -> {
            addLocation(t, locations);
            return TensorProto.getDefaultInstance(); // only the location was needed
        });
        addLocations(f.proto().getGraph(), locations);
        Path base = model.toAbsolutePath().normalize().getParent();
        List<Path> files = new ArrayList<>();
        for (String location : locations) {
            try {
                Path file = base.resolve(location).normalize();
                if (file.startsWith(base) && Files.isRegularFile(file)) {
                    files.add(file);
                }
            } catch (InvalidPathException e) {
                // not a file name: the compile says so
            }
        }
        return files;
    }

    /** The locations in {@code g} and its subgraphs: initializers and tensor attributes. */
    private static void addLocations(GraphProto g, Set<String> locations) {
        g.getInitializerList().forEach(t -> addLocation(t, locations));
        for (NodeProto node : g.getNodeList()) {
            for (AttributeProto a : node.getAttributeList()) {
                addLocation(a.getT(), locations);
                a.getTensorsList().forEach(t -> addLocation(t, locations));
                addLocations(a.getG(), locations);
                a.getGraphsList().forEach(sub -> addLocations(sub, locations));
            }
        }
    }

    private static void addLocation(TensorProto t, Set<String> locations) {
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            for (StringStringEntryProto e : t.getExternalDataList()) {
                if (e.getKey().equals("location")) {
                    locations.add(e.getValue());
                }
            }
        }
    }
}
