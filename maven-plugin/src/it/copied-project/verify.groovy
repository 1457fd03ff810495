// The four builds of invoker.properties share build.log. The original's generated files
// must survive both builds of the copy; the copy must remove only its own.
def log = new File(basedir, 'build.log').text
def count = { String s -> log.findAll(java.util.regex.Pattern.quote(s)).size() }

assert count('Kiln: generated it.kiln.Classifier from ') == 2 : 'the original and the copy each generate once'
assert count('Kiln: removed it.kiln.Classifier, no longer configured') == 1
assert count('Kiln: generated it.kiln.Renamed from ') == 1

def files = { String project, String cls ->
    [new File(basedir, project + '/target/generated-sources/kiln/it/kiln/' + cls + '.java'),
     new File(basedir, project + '/target/generated-resources/kiln/it/kiln/' + cls + '.weights')]
}
files('app', 'Classifier').each { assert it.isFile() : "the copy's builds deleted the original's $it" }
files('app-copy', 'Classifier').each { assert !it.exists() : "$it should have been removed with the rename" }
files('app-copy', 'Renamed').each { assert it.isFile() }
files('app', 'Renamed').each { assert !it.exists() }
true
