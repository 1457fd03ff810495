// The models of the six builds, in the project as a user keeps them: a Loop the compiler
// cannot handle, a truncated file, a model with a symbolic batch size, and one too big for
// the build's heap.
def root = new File(kilnRoot)
def onnx = new File(basedir, 'src/main/onnx')
onnx.mkdirs()
def copy = { File from, String to -> java.nio.file.Files.copy(from.toPath(), new File(onnx, to).toPath(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING) }
copy(new File(root, 'conformance/onnx-node-tests/test_range_float_type_positive_delta_expanded/model.onnx'), 'range.onnx')
def dynbatch = new File(root, 'examples/lowformer/fixtures/lowformer_tiny_op13_dynbatch.onnx')
copy(dynbatch, 'dynbatch.onnx')
def bytes = dynbatch.bytes
new File(onnx, 'truncated.onnx').bytes = java.util.Arrays.copyOf(bytes, bytes.length.intdiv(2))
// big.onnx: y = x + w with float w[2^25] (128 MB) in big.data (external data), made by
// onnx.save_model(..., save_as_external_data=True, location='big.data'); its data is a
// sparse file of zeros, which costs no disk.
copy(new File(basedir, 'big.onnx'), 'big.onnx')
new RandomAccessFile(new File(onnx, 'big.data'), 'rw').withCloseable { it.setLength(128L << 20) }
true
