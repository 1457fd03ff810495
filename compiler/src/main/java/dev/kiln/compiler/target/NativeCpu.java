package dev.kiln.compiler.target;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code native} profile: the machine Kiln runs on, read from Linux's
 * {@code /proc/cpuinfo} and {@code /sys/devices/system/cpu}. Elsewhere, or where
 * those say nothing useful, the architecture's fixed profile stands in.
 */
final class NativeCpu {
    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Path CACHES = Path.of("/sys/devices/system/cpu/cpu0/cache");

    private NativeCpu() {
    }

    static TargetProfile detect() {
        Set<String> flags = cpuFlags();
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        TargetProfile base;
        if (flags.contains("avx512f")) {
            base = TargetProfile.X86_64_V4;
        } else if (flags.contains("avx2") && flags.contains("fma")) {
            base = TargetProfile.X86_64_V3;
        } else if (arch.equals("aarch64") || flags.contains("asimd")) {
            base = TargetProfile.NEON;
        } else {
            base = TargetProfile.GENERIC;
        }
        int l1 = cacheBytes(1, base.l1Bytes());
        int l2 = cacheBytes(2, base.l2Bytes());
        int cores = Runtime.getRuntime().availableProcessors();
        return new TargetProfile("native", "this build machine, read as " + base.name() + ": " + base.description(),
                base.vectorFloats(), cores, l1, l2, base.layout());
    }

    /** The CPU's feature flags ("flags" on x86, "Features" on ARM), or none when unreadable. */
    private static Set<String> cpuFlags() {
        try {
            for (String line : Files.readAllLines(CPUINFO, StandardCharsets.UTF_8)) {
                String key = line.contains(":") ? line.substring(0, line.indexOf(':')).trim() : "";
                if (key.equals("flags") || key.equals("Features")) {
                    return new HashSet<>(Arrays.asList(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the architecture decides
        }
        return Set.of();
    }

    /** The size of this core's data (or unified) cache of {@code level}, or {@code fallback}. */
    private static int cacheBytes(int level, int fallback) {
        try (var dirs = Files.list(CACHES)) {
            for (Path dir : dirs.toList()) {
                List<String> levelLine = Files.readAllLines(dir.resolve("level"));
                String type = Files.readString(dir.resolve("type")).trim();
                if (!levelLine.isEmpty() && levelLine.get(0).trim().equals(Integer.toString(level))
                        && !type.equals("Instruction")) {
                    return parseSize(Files.readString(dir.resolve("size")).trim(), fallback);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no sysfs: keep the fixed profile's figure
        }
        return fallback;
    }

    /** "48K", "1024K", "2M" in bytes. */
    static int parseSize(String s, int fallback) {
        try {
            char unit = Character.toUpperCase(s.charAt(s.length() - 1));
            long n = Character.isDigit(unit) ? Long.parseLong(s) : Long.parseLong(s.substring(0, s.length() - 1));
            long bytes = unit == 'K' ? n << 10 : unit == 'M' ? n << 20 : n;
            return bytes > 0 && bytes < Integer.MAX_VALUE ? (int) bytes : fallback;
        } catch (RuntimeException e) {
            return fallback;
        }
    }
}
