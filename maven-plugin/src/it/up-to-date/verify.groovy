// The three builds of invoker.properties share build.log.
def log = new File(basedir, 'build.log').text
def count = { String s -> log.findAll(java.util.regex.Pattern.quote(s)).size() }

assert count('Kiln: generated it.kiln.Relu from ') == 1
assert count('Kiln: generated it.kiln.Tanh from ') == 1
assert count('Kiln: it.kiln.Relu is up to date') == 2
assert count('Kiln: it.kiln.Tanh is up to date') == 1
assert count('Kiln: removed it.kiln.Tanh, no longer configured') == 1

def src = new File(basedir, 'target/generated-sources/kiln/it/kiln')
def res = new File(basedir, 'target/generated-resources/kiln/it/kiln')
assert new File(src, 'Relu.java').isFile()
assert new File(res, 'Relu.weights').isFile()
// Tanh was standalone: its runtime copies went with it too.
assert !new File(src, 'Tanh.java').exists()
assert !new File(res, 'Tanh.weights').exists()
assert !new File(src, 'WeightFile.java').exists()
true
