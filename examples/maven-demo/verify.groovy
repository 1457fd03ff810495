// Run by kiln-maven-plugin's integration tests (the examples execution) after
// `mvn package`: runs the jar as the README says and checks what it prints.
def jar = new File(basedir, 'target/maven-demo-1.0.jar')
assert jar.isFile()
def javaExe = new File(System.getProperty('java.home'), 'bin/java').path
def process = [javaExe, '-jar', jar.path, fixtures].execute()
def out = new StringBuilder()
process.consumeProcessOutput(out, out)
assert process.waitFor() == 0 : out
println out
assert out.contains('top-5 of 1000 classes')
assert out.contains('agrees with PyTorch')

// The printed top-1 is PyTorch's arg max.
def bytes = java.nio.file.Files.readAllBytes(new File(fixtures, 'lowformer_tiny_op13.output.bin').toPath())
def logits = java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
int best = 0
for (int i = 1; i < logits.limit(); i++) {
    if (logits.get(i) > logits.get(best)) best = i
}
assert out.contains(String.format('1. class %4d ', best)) : out
true
