package dev.kiln.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The facts about this machine that go beside every benchmark figure: the CPU model,
 * its vector instruction sets (from /proc/cpuinfo), the cores the JVM sees, the load
 * average, and this process's scheduling priority.
 *
 * @param cpuModel "model name" of /proc/cpuinfo, with family and model numbers
 * @param vectorFlags the flags that decide vector width: avx, avx2, fma, avx512*
 */
record Machine(String cpuModel, List<String> vectorFlags, int cores) {

    static Machine read() {
        String model = "unknown CPU (no /proc/cpuinfo)";
        Set<String> vector = new TreeSet<>();
        try {
            String family = null;
            String number = null;
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                switch (key) {
                    case "model name" -> model = value;
                    case "cpu family" -> family = value;
                    case "model" -> number = value;
                    case "flags" -> {
                        for (String f : value.split("\\s+")) {
                            if (f.equals("fma") || f.startsWith("avx")) {
                                vector.add(f);
                            }
                        }
                    }
                    default -> { }
                }
                if (key.isEmpty()) {
                    break;
                }
            }
            if (family != null && number != null) {
                model += " (family " + family + ", model " + number + ")";
            }
        } catch (IOException e) {
            // not Linux: the figures still stand, without the CPU's name
        }
        return new Machine(model, new ArrayList<>(vector), Runtime.getRuntime().availableProcessors());
    }

    /** "AVX-512", "AVX2" or "no AVX2": the widest float vectors the CPU has. */
    String widest() {
        if (vectorFlags.contains("avx512f")) {
            return "AVX-512 (16 float lanes)";
        }
        return vectorFlags.contains("avx2") ? "AVX2, no AVX-512 (8 float lanes)" : "no AVX2";
    }

    /** The 1-minute load average, or NaN where /proc/loadavg is missing. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** This process's nice value (field 19 of /proc/self/stat), or 0 where unknown. */
    static int niceness() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name (field 2) may hold spaces; the fields after it follow its closing parenthesis.
            String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Integer.parseInt(after[16]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
