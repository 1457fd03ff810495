// Run by kiln-maven-plugin's integration tests before `mvn package`: this folder holds
// only the pom.xml and App.java that docs/maven-plugin.md shows; add a model as a new
// user would, where the pom expects it.
def model = new File(basedir, 'src/main/onnx/model.onnx')
model.parentFile.mkdirs()
java.nio.file.Files.copy(new File(fixtures, 'lowformer_tiny_op13.onnx').toPath(), model.toPath())
true
