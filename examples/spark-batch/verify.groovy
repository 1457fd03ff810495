// Run by kiln-maven-plugin's integration tests (the example-spark-batch execution, -Pfull) after
// `mvn verify`: the job's jar holds what executors need and no Spark; the test reported its rates.
import java.util.zip.ZipFile

def jar = new File(basedir, 'target/spark-batch-1.0.jar')
assert jar.isFile()
def entries = new ZipFile(jar).withCloseable { zip -> zip.entries().collect { it.name } }
['batch/ScoreDigits.class', 'batch/ExecutorModel.class', 'batch/model/Digits.class',
 'batch/model/Digits.weights', 'dev/kiln/runtime/WeightFile.class'].each {
    assert entries.contains(it) : "${jar.name} lacks ${it}"
}
assert !entries.any { it.startsWith('org/apache/spark/') } : "${jar.name} holds Spark's classes"
assert !entries.any { it.endsWith('.so') || it.endsWith('.dll') || it.endsWith('.dylib') } : 'a native library in the jar'

// The test's report: rows per second in Spark and outside it.
def report = new File(basedir, 'build.log').readLines().findAll { it =~ /^(scored|outside Spark|predicted digits)/ }
assert report.size() == 3 : 'the test did not report its numbers'
report.each { println it }
true
