package dev.kiln.codegen;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Compiles or runs a model in a child JVM with a given heap, for the big-model tests: the
 * child's {@code -Xmx} is the bound, and the child reports the most heap that was still in
 * use after a garbage collection (the peak live set as the collector saw it).
 *
 * <ul>
 *   <li>{@code compile MODEL OUT}: {@code Kiln.compile} with the java back end, then
 *       {@code writeTo(OUT)} (package {@code big}, class {@code Model})</li>
 *   <li>{@code run OUT INPUT OUTPUT}: javac of the generated source in process,
 *       {@code load(Path)} of its weights, one {@code run(float[])} of INPUT's floats;
 *       the result goes to OUTPUT (float32, little-endian)</li>
 * </ul>
 */
final class ForkedKiln {
    static final String PACKAGE = "big";
    static final String CLASS = "Model";
    private static final Pattern PEAK = Pattern.compile("peak live heap: (\\d+) bytes");

    private ForkedKiln() {
    }

    /**
     * What a child did.
     *
     * @param exitCode 0 when it finished
     * @param peakLiveHeap the most heap in use after a collection, in bytes
     * @param seconds wall time
     * @param log what it printed
     */
    record Result(int exitCode, long peakLiveHeap, double seconds, String log) {
    }

    /** Runs the child with heap {@code maxHeapBytes} and {@code args} (see the class comment). */
    static Result run(long maxHeapBytes, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (maxHeapBytes >> 20) + "m", "-cp", System.getProperty("java.class.path"),
                ForkedKiln.class.getName()));
        command.addAll(List.of(args));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        Matcher m = PEAK.matcher(log);
        return new Result(exit, m.find() ? Long.parseLong(m.group(1)) : -1, (System.nanoTime() - start) / 1e9, log);
    }

    public static void main(String[] args) throws Exception {
        AtomicLong peak = watchLiveHeap();
        switch (args[0]) {
            case "compile" -> Kiln.compile(Path.of(args[1]),
                    KilnOptions.defaults().withPackage(PACKAGE).withClassName(CLASS)).writeTo(Path.of(args[2]));
            case "run" -> run(Path.of(args[1]), Path.of(args[2]), Path.of(args[3]));
            default -> throw new IllegalArgumentException(args[0]);
        }
        System.gc(); // one collection at the end, so that a run too short for any still reports its live set
        Thread.sleep(200); // notifications arrive on another thread
        System.out.println("peak live heap: " + peak.get() + " bytes");
    }

    private static void run(Path out, Path input, Path output) throws Exception {
        Map<String, String> sources = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                sources.put(out.relativize(f).toString(), Files.readString(f));
            }
        }
        Class<?> type = InProcessJavac.compile(sources, ForkedKiln.class.getClassLoader(),
                Backends.get(Backends.DEFAULT).javacOptions()).loadClass(PACKAGE + "." + CLASS);
        Object model = type.getMethod("load", Path.class)
                .invoke(null, out.resolve(PACKAGE).resolve(CLASS + ".weights"));
        float[] y = (float[]) type.getMethod("run", float[].class).invoke(model, (Object) Fixtures.readFloats(input));
        ByteBuffer b = ByteBuffer.allocate(y.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(y);
        Files.write(output, b.array());
    }

    /** The most heap in use after any collection from now on (the heap pools summed). */
    private static AtomicLong watchLiveHeap() {
        AtomicLong peak = new AtomicLong();
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
                .collect(Collectors.toSet());
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
                if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
                    return;
                }
                var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
                        .filter(e -> heapPools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
                peak.accumulateAndGet(used, Math::max);
            }, null, null);
        }
        return peak;
    }
}
