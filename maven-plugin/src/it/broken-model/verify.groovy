// The build failed (invoker.buildResult); it must say why in the compiler's words, without a stack trace.
def log = new File(basedir, 'build.log').text
def model = 'conformance/onnx-node-tests/test_range_float_type_positive_delta_expanded/model.onnx'
assert log.contains('[ERROR] Failed to execute goal dev.kiln:kiln-maven-plugin:')
assert log =~ /Kiln: \S+\Q${model}\E: \d+ unsupported ops?: .*Loop \(ai\.onnx opset \d+; not supported\) at node/
assert !log.contains('\tat dev.kiln.')
assert !log.contains('at dev.kiln.compiler')
assert !new File(basedir, 'target/generated-sources/kiln').exists()
true
