// Built with -T 2: both modules generated their Model at once and their tests ran it.
def log = new File(basedir, 'build.log').text
assert log.contains('with a thread count of 2')
assert !log.contains('not marked as thread-safe') && !log.contains('not marked as @threadSafe')
assert log.contains('Kiln: generated it.kiln.Model from ') && log.count('Kiln: generated it.kiln.Model from ') == 2
assert log.count('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0') >= 2
assert log.contains('BUILD SUCCESS')
['op13', 'op17'].each { m ->
    assert new File(basedir, "$m/target/classes/it/kiln/Model.class").isFile()
    assert new File(basedir, "$m/target/classes/it/kiln/Model.weights").isFile()
}
true
