// The report is one self-contained page in target/kiln/, named after the generated class.
def log = new File(basedir, 'build.log').text
assert log.contains('Kiln: generated it.kiln.Tiny from ')
assert log.contains('Kiln: wrote the compile report target/kiln/it.kiln.Tiny.html')

def page = new File(basedir, 'target/kiln/it.kiln.Tiny.html').getText('UTF-8')
assert page.startsWith('<!DOCTYPE html>')
assert page.contains('<script type="application/json" id="kiln-data">{"summary":{"model":"lowformer_tiny_op17_176.onnx"')
// Nothing is fetched: no external scripts, styles, images or fonts.
assert !(page =~ /<(script|link|img)[^>]+(src|href)=/)
assert !page.contains('@import') && !page.contains('url(http')
true
