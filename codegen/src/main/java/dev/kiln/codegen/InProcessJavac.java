package dev.kiln.codegen;

import dev.kiln.runtime.WeightFile;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles generated sources with the JDK's own javac, in this process and in
 * memory, and loads the classes. This is the path every run of a model in Kiln
 * takes (kiln run, conformance, tests): the real emitter output, really compiled.
 */
public final class InProcessJavac {
    private InProcessJavac() {
    }

    /** Compiled classes: their bytes by binary name, and a loader that defines them. */
    public record Classes(Map<String, byte[]> bytes, ClassLoader loader) {
    }

    /**
     * Compiles {@code sources} (path -> text) with a back end's javac options (e.g.
     * {@code --release 8}) and returns a class loader that defines the compiled classes,
     * with kiln-runtime-min from {@code parent}. Entries that are not {@code .java} files
     * (an OpenCL program) are the loader's resources.
     *
     * @throws IllegalStateException with javac's messages if the source does not compile,
     *     which is a Kiln bug
     */
    public static ClassLoader compile(Map<String, String> sources, ClassLoader parent, List<String> javacOptions) {
        return compileClasses(sources, parent, javacOptions).loader();
    }

    /** Like {@link #compile}, also returning the class files. */
    public static Classes compileClasses(Map<String, String> sources, ClassLoader parent, List<String> javacOptions) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no Java compiler in this runtime: run Kiln on a JDK, not a JRE");
        }
        List<JavaFileObject> units = new ArrayList<>();
        Map<String, byte[]> resources = new HashMap<>();
        for (Map.Entry<String, String> e : sources.entrySet()) {
            if (e.getKey().endsWith(".java")) {
                units.add(new Source(e.getKey(), e.getValue()));
            } else {
                resources.put(e.getKey(), e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> classes = new HashMap<>();
        try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null)) {
            JavaFileManager files = new ForwardingJavaFileManager<>(standard) {
                @Override
                public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
                                                           FileObject sibling) {
                    return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension),
                            kind) {
                        @Override
                        public OutputStream openOutputStream() {
                            ByteArrayOutputStream out = new ByteArrayOutputStream();
                            classes.put(className, out);
                            return out;
                        }
                    };
                }
            };
            List<String> options = withRuntimeOnClasspath(javacOptions);
            // An empty source path: javac compiles only the given sources, never a .java it
            // finds on the class path (one newer than its class would be compiled into the output).
            options.addAll(List.of("-Xlint:-options", "-proc:none", "-g", "-sourcepath", ""));
            boolean ok = javac.getTask(null, files, diagnostics, options, null, units).call();
            if (!ok) {
                StringBuilder s = new StringBuilder("generated code does not compile (a Kiln bug):");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        s.append("\n  ").append(d.getSource() == null ? "" : d.getSource().getName())
                                .append(':').append(d.getLineNumber()).append(": ").append(d.getMessage(null));
                    }
                }
                throw new IllegalStateException(s.toString());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        Map<String, byte[]> bytes = new HashMap<>();
        classes.forEach((k, v) -> bytes.put(k, v.toByteArray()));
        return new Classes(Map.copyOf(bytes), new ClassLoader(parent) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                byte[] b = bytes.get(name);
                if (b == null) {
                    throw new ClassNotFoundException(name);
                }
                return defineClass(name, b, 0, b.length);
            }

            @Override
            public java.io.InputStream getResourceAsStream(String name) {
                byte[] r = resources.get(name);
                return r != null ? new java.io.ByteArrayInputStream(r) : super.getResourceAsStream(name);
            }
        });
    }

    /**
     * The options with kiln-runtime-min on the class path: added to a class path the back
     * end's options already name (the opencl back end's names JOCL), else as one of its own.
     */
    private static List<String> withRuntimeOnClasspath(List<String> javacOptions) {
        List<String> options = new ArrayList<>(javacOptions);
        int i = Math.max(options.indexOf("-classpath"), Math.max(options.indexOf("-cp"), options.indexOf("--class-path")));
        if (i >= 0 && i + 1 < options.size()) {
            options.set(i + 1, options.get(i + 1) + java.io.File.pathSeparator + runtimeClasspath());
        } else {
            options.addAll(List.of("-classpath", runtimeClasspath()));
        }
        return options;
    }

    /** Where kiln-runtime-min's classes are (a jar or a directory). */
    private static String runtimeClasspath() {
        try {
            return Path.of(WeightFile.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A source file held in memory. */
    private static final class Source extends SimpleJavaFileObject {
        private final String text;

        Source(String path, String text) {
            super(URI.create("mem:///" + path), Kind.SOURCE);
            this.text = text;
        }

        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
            return text;
        }
    }
}
