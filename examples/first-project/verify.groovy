// Run by kiln-maven-plugin's integration tests after `mvn package` (the first build of this
// folder): the jar runs as the docs say, and its answer is PyTorch's.
def jar = new File(basedir, 'target/app-1.0.jar')
assert jar.isFile()
def javaExe = new File(System.getProperty('java.home'), 'bin/java').path
def process = [javaExe, '-jar', jar.path, new File(fixtures, 'lowformer_tiny_op13.input.bin').path].execute()
def out = new StringBuilder()
process.consumeProcessOutput(out, out)
assert process.waitFor() == 0 : out
println out

def bytes = java.nio.file.Files.readAllBytes(new File(fixtures, 'lowformer_tiny_op13.output.bin').toPath())
def logits = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
int best = 0
for (int i = 1; i < logits.limit(); i++) {
    if (logits.get(i) > logits.get(best)) best = i
}
assert out.toString().startsWith("class $best (score ") : "PyTorch's best class is $best: $out"

// The docs show these very files: a newcomer who copies them from there gets this build.
def docs = new File(kilnRoot, 'docs/maven-plugin.md').text
['pom.xml', 'src/main/java/com/example/App.java'].each { name ->
    assert docs.contains(new File(kilnRoot, 'examples/first-project/' + name).text) :
            "docs/maven-plugin.md must show examples/first-project/$name verbatim"
}
true
