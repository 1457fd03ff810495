// The six failed builds of invoker.properties share build.log. Each must fail with its
// message, in the plugin's terms (POM settings, paths in the project), without a stack trace;
// and every message docs/maven-plugin.md shows must be one of them, word for word.
def log = new File(basedir, 'build.log').text
def failures = log.readLines().findAll { it.startsWith('[ERROR] Failed to execute goal dev.kiln:kiln-maven-plugin:') }
assert failures.size() == 6 : failures.join('\n')
def kilnMessages = failures.collect { it.substring(it.indexOf('Kiln: ')) - ~/ -> \[Help 1\]$/ }

def expect = { String start ->
    assert kilnMessages.any { it.startsWith(start) } : "no build failed with '$start...':\n" + kilnMessages.join('\n')
}
expect('Kiln: src/main/onnx/range.onnx: 1 unsupported op: Loop (ai.onnx opset ')
expect('Kiln: src/main/onnx/truncated.onnx: not an ONNX model (the protobuf data is truncated or malformed: ')
expect('Kiln: model file not found: src/main/onnx/missing.onnx')
expect("Kiln: src/main/onnx/dynbatch.onnx: input 'input' (float[batch,3,224,224]) has a symbolic size 'batch' on axis 0;"
        + ' pin it with <dim>batch=N</dim> (or <shape>input=Nx3x224x224</shape>)')
expect("Kiln: src/main/onnx/dynbatch.onnx: <dim>batch=0</dim>: a symbolic dimension's size must be at least 1")
expect("Kiln: src/main/onnx/big.onnx: out of memory compiling (Maven's heap is at most ")
assert log.contains("give Maven more with -Xmx, e.g. MAVEN_OPTS=-Xmx8g or a line -Xmx8g in .mvn/jvm.config")
assert !log.contains('OutOfMemoryError') : "the JVM's own message or a stack trace"
kilnMessages.each { assert !it.contains('--') : "a plugin error names a command-line flag: $it" }
assert !log.contains('\tat dev.kiln.')
assert !new File(basedir, 'target/generated-sources/kiln').exists()

// docs/maven-plugin.md's examples: each "Kiln: ..." line of its Errors section is a real message.
def page = new File(kilnRoot, 'docs/maven-plugin.md').text
def errors = page.substring(page.indexOf('## Errors'), page.indexOf('\n## ', page.indexOf('## Errors') + 1))
def shown = errors.readLines().findAll { it.contains('Kiln: ') }
        .collect { it.substring(it.indexOf('Kiln: ')) - ~/ -> \[Help 1\]$/ }
assert shown.size() >= 3 : errors
shown.each { line ->
    assert kilnMessages.contains(line) : "docs/maven-plugin.md shows a message no build printed:\n$line\nprinted:\n" + kilnMessages.join('\n')
}
true
