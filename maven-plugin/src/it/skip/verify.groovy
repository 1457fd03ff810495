def log = new File(basedir, 'build.log').text
assert log.contains('Kiln: skipping (kiln.skip)')
assert log.contains('BUILD SUCCESS')
assert !new File(basedir, 'target/generated-sources/kiln').exists()
assert !new File(basedir, 'target/kiln-stamps').exists()
true
