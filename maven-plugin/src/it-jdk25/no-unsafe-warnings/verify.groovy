// Maven ran on JDK 24+ with --sun-misc-unsafe-memory-access=debug, which logs every call
// of a sun.misc.Unsafe memory-access method with its caller and the caller's jar. Maven's
// own libraries (its lib folder, e.g. Guava) may call it; nothing from the build's
// repository may: that is where the Kiln plugin and its dependencies come from.
def log = new File(basedir, 'build.log').text
assert log.contains('Kiln: generated it.kiln.Tiny from ')
assert log.contains('BUILD SUCCESS')
def reports = log.readLines().findAll { it.contains('sun.misc.Unsafe::') }
def mavenHome = System.getProperty('maven.home')
def fromBuild = reports.findAll { !(mavenHome && it.contains('file:' + mavenHome)) }
assert fromBuild.isEmpty() : "sun.misc.Unsafe called by a plugin's code:\n" + fromBuild.unique().join('\n')
println "sun.misc.Unsafe reports: ${reports.size()} in all, all from Maven's own libraries under ${mavenHome}"
true
