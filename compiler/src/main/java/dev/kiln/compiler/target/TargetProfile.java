package dev.kiln.compiler.target;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the compiler knows of the CPU a model is compiled for: the float lanes of
 * its vectors, its cores, its private cache sizes, and the activation layout its
 * kernels prefer. Passes and the memory planner receive it; the vector back end
 * sizes its register tiles and weight panels by it.
 *
 * <p>A profile is an explicit choice ({@code --cpu}), with a fixed default, so that a
 * build gives the same output on every machine; only {@code native} reads the build
 * machine, and the generated header says which profile it got.
 *
 * @param name the name given to {@code --cpu}
 * @param description one line for listings and the generated header
 * @param vectorFloats float lanes of one vector register (4 for 128-bit SIMD, 8 for AVX2, 16 for AVX-512)
 * @param cores cores a model is expected to share work over, for choosing how finely to split it
 * @param l1Bytes first-level data cache per core
 * @param l2Bytes second-level cache per core
 * @param layout the activation layout its convolution kernels prefer
 */
public record TargetProfile(String name, String description, int vectorFloats, int cores, int l1Bytes, int l2Bytes,
                            Layout layout) {
    /** An activation layout: where a tensor's channel axis lives in memory. */
    public enum Layout {
        /** Channels outermost (ONNX's own order): each channel's plane is contiguous. */
        NCHW,
        /** Channels innermost: each pixel's channels are contiguous, which vector kernels read whole. */
        NHWC
    }

    private static final int KB = 1024;

    /** 128-bit SIMD, which every 64-bit x86 (SSE2) and ARM (NEON) CPU has. */
    public static final TargetProfile GENERIC = new TargetProfile("generic",
            "any 64-bit CPU: 128-bit vectors (4 floats)", 4, 4, 32 * KB, 256 * KB, Layout.NHWC);
    /** AVX2 and FMA: Intel Haswell (2013) and AMD Zen (2017) onwards. */
    public static final TargetProfile X86_64_V3 = new TargetProfile("x86-64-v3",
            "x86-64 with AVX2 and FMA: 256-bit vectors (8 floats)", 8, 8, 32 * KB, 512 * KB, Layout.NHWC);
    /** AVX-512: Intel Skylake-SP (2017) and AMD Zen 4 (2022) onwards. */
    public static final TargetProfile X86_64_V4 = new TargetProfile("x86-64-v4",
            "x86-64 with AVX-512: 512-bit vectors (16 floats)", 16, 8, 48 * KB, 1024 * KB, Layout.NHWC);
    /** 64-bit ARM with Advanced SIMD (every ARMv8-A core: phones, Graviton, Apple silicon). */
    public static final TargetProfile NEON = new TargetProfile("neon",
            "64-bit ARM with NEON: 128-bit vectors (4 floats)", 4, 8, 64 * KB, 1024 * KB, Layout.NHWC);
    /**
     * The default: AVX2 runs on nearly every x86 server and desktop in use, and AVX-512
     * machines run its 256-bit vectors at full speed.
     */
    public static final TargetProfile DEFAULT = X86_64_V3;

    private static final Map<String, TargetProfile> NAMED = new LinkedHashMap<>();

    static {
        for (TargetProfile p : new TargetProfile[] {GENERIC, X86_64_V3, X86_64_V4, NEON}) {
            NAMED.put(p.name(), p);
        }
    }

    public TargetProfile {
        if (vectorFloats < 1 || Integer.bitCount(vectorFloats) != 1) {
            throw new IllegalArgumentException("vector lanes must be a power of two, got " + vectorFloats);
        }
    }

    /**
     * The profile called {@code name}: one of {@link #names()}, or {@code native} for the
     * machine this runs on.
     *
     * @throws IllegalArgumentException naming the choices, for an unknown name
     */
    public static TargetProfile named(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("native")) {
            return NativeCpu.detect();
        }
        TargetProfile p = NAMED.get(key);
        if (p == null) {
            throw new IllegalArgumentException("unknown CPU profile '" + name + "' (profiles: "
                    + String.join(", ", names()) + ")");
        }
        return p;
    }

    /** The names {@link #named} accepts, {@code native} last. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(NAMED.keySet());
        names.add("native");
        return names;
    }

    /** The fixed profiles (everything but {@code native}). */
    public static List<TargetProfile> fixed() {
        return List.copyOf(NAMED.values());
    }

    /** One line for summaries and the generated header, e.g. {@code x86-64-v3 (8 float lanes, ...)}. */
    public String summary() {
        return name + " (" + vectorFloats + " float lanes, L1 " + l1Bytes / KB + " KB, L2 " + l2Bytes / KB + " KB, "
                + cores + " cores, " + layout + ")";
    }
}
