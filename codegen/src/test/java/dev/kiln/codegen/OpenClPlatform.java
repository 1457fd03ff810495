package dev.kiln.codegen;

import static org.junit.jupiter.api.Assertions.fail;

import org.jocl.CL;
import org.junit.jupiter.api.Assumptions;

/**
 * The gate of the OpenCL tests (tag {@code opencl}, their own surefire execution, so a
 * kernel that crashes PoCL takes only their JVM down). {@code -Dkiln.opencl} says what
 * to do: {@code skip} (plain {@code mvn verify}: the tests need an OpenCL driver, which
 * a JDK and Maven do not bring), {@code auto} (run them if a platform is installed),
 * {@code require} ({@code -Pfull}: a missing platform is a failure, so CI cannot pass
 * without running them).
 */
public final class OpenClPlatform {
    private static final String MODE = System.getProperty("kiln.opencl", "skip");
    private static String missing;
    private static boolean probed;

    private OpenClPlatform() {
    }

    /** Skips or fails the calling test when the OpenCL tests cannot or should not run. */
    public static void require() {
        if (MODE.equals("skip")) {
            Assumptions.abort("OpenCL tests run with -Pfull or -Dkiln.opencl=auto; they need an OpenCL platform "
                    + "(Debian: pocl-opencl-icd and ocl-icd-opencl-dev)");
        }
        String why = probe();
        if (why == null) {
            return;
        }
        if (MODE.equals("require")) {
            fail("-Dkiln.opencl=require (-Pfull) but " + why + " (.ci/run installs pocl-opencl-icd and ocl-icd-opencl-dev)");
        }
        Assumptions.abort(why);
    }

    /** Why no OpenCL platform is usable, or null when one is. */
    private static synchronized String probe() {
        if (!probed) {
            probed = true;
            try {
                int[] n = new int[1];
                int status = CL.clGetPlatformIDs(0, null, n);
                if (status != CL.CL_SUCCESS || n[0] == 0) {
                    missing = "no OpenCL platform is installed (" + CL.stringFor_errorCode(status) + ")";
                }
            } catch (LinkageError e) {
                missing = "the OpenCL library cannot be loaded: " + e.getMessage();
            }
        }
        return missing;
    }
}
