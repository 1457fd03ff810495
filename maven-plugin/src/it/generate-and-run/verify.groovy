// After `mvn test`: TinyTest passed (else the build failed); check where the files went.
def log = new File(basedir, 'build.log').text
assert log.contains('Kiln: generated it.kiln.Tiny from ')
assert log.contains('Kiln: generated it.kiln.ScaleAndRelu from ')
assert log.contains('Tests run: 2, Failures: 0, Errors: 0, Skipped: 0')

def target = new File(basedir, 'target')
assert new File(target, 'generated-sources/kiln/it/kiln/Tiny.java').isFile()
assert !new File(target, 'generated-sources/kiln/it/kiln/Tiny.weights').exists()
assert new File(target, 'generated-resources/kiln/it/kiln/Tiny.weights').isFile()
assert new File(target, 'classes/it/kiln/Tiny.weights').isFile()
assert new File(target, 'classes/it/kiln/Tiny.class').isFile()
assert new File(target, 'classes/it/kiln/ScaleAndRelu.weights').isFile()
true
