// The java-8 check passed UsesAwt (java.awt is Java 8); the android check refused it, naming the API.
def log = new File(basedir, 'build.log').text
assert log =~ /--- animal-sniffer-maven-plugin:[\d.]+:check \(java-8\)/
assert log =~ /\[ERROR\] .*UsesAwt\.java:\d+: Undefined reference: .*java\.awt\.image\.BufferedImage/
assert log =~ /Failed to execute goal org\.codehaus\.mojo:animal-sniffer-maven-plugin:[\d.]+:check \(android\)/
true
