// Every model compiled for Java 8, and animal-sniffer found nothing against either signature
// (the build would have failed). android-check-bites shows that the same check refuses what Android lacks.
def log = new File(basedir, 'build.log').text
def classes = new File(basedir, 'target/classes/it/restricted')
def generated = classes.listFiles().findAll { it.name.endsWith('.class') && !it.name.contains('$') }
assert generated.size() >= 80 : "models compiled: ${generated*.name}"
assert new File(classes, 'standalone/WeightFile.class').isFile() : 'the standalone runtime copy is checked too'
assert log =~ /--- animal-sniffer-maven-plugin:[\d.]+:check \(java-8\)/
assert log =~ /--- animal-sniffer-maven-plugin:[\d.]+:check \(android\)/
true
