// Run by kiln-maven-plugin's integration tests (the example-classify execution) after
// `mvn verify`: runs the jar on the committed digits as the README says and checks what it prints.
def jar = new File(basedir, 'target/classify-1.0.jar')
assert jar.isFile()
def javaExe = new File(System.getProperty('java.home'), 'bin/java').path
def images = ['00_d0.png', '17_d3.png', '49_d9.png']
def command = [javaExe, '-jar', jar.path] + images.collect { 'digits/' + it }
def process = command.execute(null, basedir)
def out = new StringBuilder()
process.consumeProcessOutput(out, out)
assert process.waitFor() == 0 : out
println out

// Each image's first line of classes is the digit in its name, PyTorch's answer too (pytorch.csv).
def lines = out.toString().readLines()
images.each { name ->
    int at = lines.findIndexOf { it.startsWith('digits/' + name + ' (8x8): ') && it.endsWith(' ms') }
    assert at >= 0 : out
    def digit = name.replaceAll(/.*_d(\d)\.png/, '$1')
    assert lines[at + 1] ==~ /\s+\d+\.\d{3}%  ${digit}/ : out
    assert (1..5).every { lines[at + it] ==~ /\s+\d+\.\d{3}%  \d/ } : out
}
assert out.contains('3 images: model latency')

// A file that is not an image: a one-line error naming it, and exit status 1.
def bad = [javaExe, '-jar', jar.path, 'pom.xml'].execute(null, basedir)
def err = new StringBuilder()
bad.consumeProcessOutput(err, err)
assert bad.waitFor() == 1 : err
assert err.toString().trim() ==~ /(?s).*classify: pom\.xml: not an image javax\.imageio can read.*/ : err
true
