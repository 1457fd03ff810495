package dev.kiln.compiler.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The CPU profiles --cpu names, and reading the build machine for {@code native}. */
class TargetProfileTest {
    @Test
    void fixedProfilesHaveTheVectorWidthOfTheirInstructionSet() {
        assertEquals(4, TargetProfile.named("generic").vectorFloats());
        assertEquals(8, TargetProfile.named("x86-64-v3").vectorFloats());
        assertEquals(16, TargetProfile.named("X86-64-V4").vectorFloats(), "names are case-insensitive");
        assertEquals(4, TargetProfile.named("neon").vectorFloats());
        assertEquals(TargetProfile.X86_64_V3, TargetProfile.DEFAULT, "the default is fixed, never read from the machine");
        assertEquals(List.of("generic", "x86-64-v3", "x86-64-v4", "neon", "native"), TargetProfile.names());
    }

    @Test
    void unknownNameListsTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TargetProfile.named("avx9"));
        assertEquals("unknown CPU profile 'avx9' (profiles: generic, x86-64-v3, x86-64-v4, neon, native)", e.getMessage());
    }

    /** On Linux this reads /proc/cpuinfo; its vector width must be the one lscpu's flags imply. */
    @Test
    void nativeReadsThisMachine() throws Exception {
        TargetProfile p = TargetProfile.named("native");
        assertEquals("native", p.name());
        assertEquals(Runtime.getRuntime().availableProcessors(), p.cores());
        assertTrue(p.l1Bytes() >= 16 * 1024 && p.l2Bytes() >= p.l1Bytes(), p.summary());
        java.nio.file.Path cpuinfo = java.nio.file.Path.of("/proc/cpuinfo");
        if (java.nio.file.Files.isReadable(cpuinfo)) {
            String info = java.nio.file.Files.readString(cpuinfo);
            int expected = info.contains(" avx512f") ? 16 : info.contains(" avx2") && info.contains(" fma") ? 8 : 4;
            assertEquals(expected, p.vectorFloats(), p.summary());
        }
    }

    @Test
    void cacheSizesAsSysfsWritesThem() {
        assertEquals(48 * 1024, NativeCpu.parseSize("48K", 1));
        assertEquals(2 << 20, NativeCpu.parseSize("2M", 1));
        assertEquals(512, NativeCpu.parseSize("512", 1));
        assertEquals(7, NativeCpu.parseSize("lots", 7));
    }
}
