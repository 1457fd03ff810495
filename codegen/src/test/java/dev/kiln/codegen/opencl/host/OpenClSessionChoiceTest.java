package dev.kiln.codegen.opencl.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jocl.CL;
import org.junit.jupiter.api.Test;

/**
 * How a device selector picks among the devices of every platform, and what a device
 * must offer (no OpenCL driver needed).
 */
class OpenClSessionChoiceTest {
    private static final List<OpenClSession.Device> DEVICES = List.of(
            device(0, "Portable Computing Language", "pthread-haswell", CL.CL_DEVICE_TYPE_CPU),
            device(1, "NVIDIA CUDA", "GeForce RTX 3060", CL.CL_DEVICE_TYPE_GPU),
            device(2, "NVIDIA CUDA", "GeForce GTX 1050", CL.CL_DEVICE_TYPE_GPU));

    private static OpenClSession.Device device(int index, String platform, String name, long type) {
        return new OpenClSession.Device(null, index, platform, name, type, "", "OpenCL C 1.2", 1L << 32, 1L << 30);
    }

    private static String choose(String selector) {
        return OpenClSession.choose(DEVICES, selector, "M").name;
    }

    @Test
    void theDefaultIsTheFirstGpuElseTheFirstCpu() {
        assertEquals("GeForce RTX 3060", choose(null));
        assertEquals("GeForce RTX 3060", choose("  "));
        assertEquals("pthread-haswell", OpenClSession.choose(DEVICES.subList(0, 1), null, "M").name);
    }

    @Test
    void aSelectorNamesATypeANumberAPlatformAndDeviceOrPartOfAName() {
        assertEquals("pthread-haswell", choose("cpu"));
        assertEquals("GeForce RTX 3060", choose("GPU"));
        assertEquals("GeForce GTX 1050", choose("2"));
        assertEquals("GeForce GTX 1050", choose("1:1"));
        assertEquals("pthread-haswell", choose("0:0"));
        assertEquals("GeForce GTX 1050", choose("gtx"));
        assertEquals("pthread-haswell", choose("portable"));
    }

    @Test
    void aSelectorThatMatchesNothingListsTheDevices() {
        OpenClException e = assertThrows(OpenClException.class, () -> choose("accelerator"));
        assertTrue(e.getMessage().startsWith("M: no OpenCL device matches 'accelerator'"), e.getMessage());
        assertTrue(e.getMessage().contains("1: NVIDIA CUDA / GeForce RTX 3060 (GPU)"), e.getMessage());
        assertThrows(OpenClException.class, () -> choose("3"));
        assertThrows(OpenClException.class, () -> choose("0:1"));
    }

    @Test
    void aProgramInDoubleNeedsFp64AndEveryProgramOpenClC12() {
        OpenClSession.Device noFp64 = DEVICES.get(0);
        OpenClSession.requireSupport(noFp64, false, "M");
        OpenClException e = assertThrows(OpenClException.class, () -> OpenClSession.requireSupport(noFp64, true, "M"));
        assertEquals("M computes in double, but OpenCL device 0: Portable Computing Language / pthread-haswell (CPU) "
                + "lacks cl_khr_fp64; choose another device with -Dkiln.opencl.device=...", e.getMessage());
        OpenClSession.requireSupport(new OpenClSession.Device(null, 0, "P", "D", CL.CL_DEVICE_TYPE_GPU,
                "cl_khr_byte_addressable_store cl_khr_fp64", "OpenCL C 3.0 ", 1L << 32, 1L << 30), true, "M");

        OpenClSession.Device old = new OpenClSession.Device(null, 0, "P", "D", CL.CL_DEVICE_TYPE_GPU, "cl_khr_fp64",
                "OpenCL C 1.1", 1L << 32, 1L << 30);
        e = assertThrows(OpenClException.class, () -> OpenClSession.requireSupport(old, false, "M"));
        assertEquals("M needs OpenCL C 1.2, but OpenCL device 0: P / D (GPU) offers OpenCL C 1.1", e.getMessage());
    }
}
