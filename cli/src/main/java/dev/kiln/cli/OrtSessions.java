package dev.kiln.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.kiln.compiler.onnx.ModelFile;
import java.nio.file.Path;

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
}
