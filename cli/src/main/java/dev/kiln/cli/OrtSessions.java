package dev.kiln.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.compiler.onnx.ModelFile;
import dev.kiln.compiler.onnx.proto.OnnxMl.ModelProto;
import dev.kiln.compiler.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** ONNX Runtime sessions for a model in either form: a .onnx file by its path, a text model as its protobuf. */
final class OrtSessions {
    /** ONNX Runtime's option for where external data lives when the model comes from memory. */
    private static final String EXTERNAL_DATA_FOLDER = "session.model_external_initializers_file_folder_path";

    private OrtSessions() {
    }

    static OrtSession open(OrtEnvironment env, Path model, OrtSession.SessionOptions options) throws OrtException {
        if (!ModelFile.isText(model)) {
            return env.createSession(model.toString(), options);
        }
        options.addConfigEntry(EXTERNAL_DATA_FOLDER, model.toAbsolutePath().getParent().toString());
        return env.createSession(ModelFile.read(model).proto().toByteArray(), options);
    }

    /**
     * A session of a copy of the model whose graph also outputs {@code values} (names of values its
     * nodes compute), for comparing intermediate values ({@code kiln verify --all-layers}).
     */
    static OrtSession openWithOutputs(OrtEnvironment env, Path model, OrtSession.SessionOptions options,
                                      List<String> values) throws OrtException {
        ModelProto.Builder copy = ModelFile.read(model).proto().toBuilder();
        Set<String> outputs = new HashSet<>();
        copy.getGraph().getOutputList().forEach(o -> outputs.add(o.getName()));
        for (String v : values) {
            if (outputs.add(v)) {
                copy.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(v));
            }
        }
        options.addConfigEntry(EXTERNAL_DATA_FOLDER, model.toAbsolutePath().getParent().toString());
        return env.createSession(copy.build().toByteArray(), options);
    }
}
