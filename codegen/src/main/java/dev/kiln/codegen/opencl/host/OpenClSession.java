package dev.kiln.codegen.opencl.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

/**
 * One model's OpenCL resources on one device, through JOCL: the context, an in-order
 * command queue, the program built from the model's {@code .cl} source, the buffers,
 * and one kernel object per step with its arguments set once. The generated host
 * class drives it; Kiln writes this file into the generated package beside it, so the
 * output needs only JOCL and kiln-runtime-min. Java 8.
 *
 * <p>Every failure is an {@link OpenClException} whose message says what to do: no
 * OpenCL library, no platform, no matching device, no double support, a program the
 * device's compiler rejects (with its build log), not enough device memory. Not
 * thread-safe: the host class serialises calls.
 */
public final class OpenClSession implements AutoCloseable {
    /** The system property that chooses the device when the host class is given none. */
    public static final String DEVICE_PROPERTY = "kiln.opencl.device";

    private static final int CL_PLATFORM_NOT_FOUND_KHR = -1001;
    private static final long MB = 1 << 20;

    private final String model;
    private final Device device;
    private final cl_context context;
    private final cl_command_queue queue;
    private final cl_program program;
    private final List<Buffer> buffers = new ArrayList<Buffer>();
    private final List<cl_kernel> kernels = new ArrayList<cl_kernel>();
    private long allocated;
    private boolean closed;

    /** A device buffer: one arena, one weight array, one input, or the error flags. */
    public static final class Buffer {
        final cl_mem mem;
        final String what;
        final long bytes;

        Buffer(cl_mem mem, String what, long bytes) {
            this.mem = mem;
            this.what = what;
            this.bytes = bytes;
        }
    }

    /** One kernel launch of an inference: its kernel object (arguments set) and its NDRange. */
    public static final class Step {
        final cl_kernel kernel;
        final String name;
        final long[] global;
        final long[] local;

        Step(cl_kernel kernel, String name, long[] global, long[] local) {
            this.kernel = kernel;
            this.name = name;
            this.global = global;
            this.local = local;
        }
    }

    /** An OpenCL device and what Kiln needs to know of it. */
    static final class Device {
        final cl_device_id id;
        final int index;
        final String platform;
        final String name;
        final long type;
        final String extensions;
        final String version;
        final long globalMemory;
        final long maxAllocation;

        Device(cl_device_id id, int index, String platform, String name, long type, String extensions, String version,
               long globalMemory, long maxAllocation) {
            this.id = id;
            this.index = index;
            this.platform = platform;
            this.name = name;
            this.type = type;
            this.extensions = extensions;
            this.version = version;
            this.globalMemory = globalMemory;
            this.maxAllocation = maxAllocation;
        }

        String typeName() {
            if ((type & CL.CL_DEVICE_TYPE_GPU) != 0) {
                return "GPU";
            }
            if ((type & CL.CL_DEVICE_TYPE_CPU) != 0) {
                return "CPU";
            }
            return (type & CL.CL_DEVICE_TYPE_ACCELERATOR) != 0 ? "accelerator" : "other";
        }

        @Override
        public String toString() {
            return index + ": " + platform + " / " + name + " (" + typeName() + ")";
        }
    }

    private OpenClSession(String model, Device device, cl_context context, cl_command_queue queue, cl_program program) {
        this.model = model;
        this.device = device;
        this.context = context;
        this.queue = queue;
        this.program = program;
    }

    /**
     * Chooses a device, creates a context and queue on it and builds {@code source}.
     *
     * @param model the host class's name, for messages
     * @param selector which device ({@link #choose}); null for the system property
     *     {@value #DEVICE_PROPERTY}, and without it the first GPU, else the first CPU
     * @param doubles whether the program computes in double (needs cl_khr_fp64)
     * @param source the OpenCL C program
     */
    public static OpenClSession open(String model, String selector, boolean doubles, String source) {
        String wanted = selector != null ? selector : System.getProperty(DEVICE_PROPERTY);
        Device device = choose(devices(model), wanted, model);
        requireSupport(device, doubles, model);
        int[] error = new int[1];
        cl_context context = null;
        cl_command_queue queue = null;
        cl_program program = null;
        try {
            context = CL.clCreateContext(null, 1, new cl_device_id[] {device.id}, null, null, error);
            check(error[0], model, "create an OpenCL context on " + device);
            queue = CL.clCreateCommandQueue(context, device.id, 0, error);
            check(error[0], model, "create a command queue on " + device);
            program = CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, error);
            check(error[0], model, "create the OpenCL program");
            int built = CL.clBuildProgram(program, 1, new cl_device_id[] {device.id}, "-cl-std=CL1.2", null, null);
            if (built != CL.CL_SUCCESS) {
                String log = buildLog(program, device);
                throw new OpenClException("the OpenCL compiler of " + device + " rejected " + model + ".cl ("
                        + CL.stringFor_errorCode(built) + "), a Kiln bug: " + firstError(log) + "\nThe build log:\n" + log);
            }
            return new OpenClSession(model, device, context, queue, program);
        } catch (RuntimeException e) {
            release(context, queue, program);
            throw translate(e, model, "set up " + device);
        }
    }

    /** Every device of every platform, numbered in that order. */
    static List<Device> devices(String model) {
        int[] count = new int[1];
        int status;
        try {
            status = CL.clGetPlatformIDs(0, null, count);
        } catch (UnsatisfiedLinkError e) {
            throw new OpenClException(model + " cannot load the OpenCL library: JOCL looks for libOpenCL.so, which "
                    + "Debian and Ubuntu install with the package ocl-icd-opencl-dev (ocl-icd-libopencl1 alone has "
                    + "only libOpenCL.so.1); on other systems install the OpenCL ICD loader. (" + e.getMessage() + ")", e);
        } catch (NoClassDefFoundError e) {
            throw new OpenClException(model + " cannot use JOCL: " + e.getMessage() + " (an earlier attempt to load "
                    + "the OpenCL library failed; install ocl-icd-opencl-dev, or the OpenCL ICD loader, and restart)", e);
        }
        if (status == CL_PLATFORM_NOT_FOUND_KHR || (status == CL.CL_SUCCESS && count[0] == 0)) {
            throw new OpenClException(model + " found no OpenCL platform: the OpenCL loader knows no driver (ICD). "
                    + "Install one, e.g. Debian's pocl-opencl-icd for the CPU, or your GPU vendor's OpenCL driver");
        }
        check(status, model, "list the OpenCL platforms");
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        check(CL.clGetPlatformIDs(count[0], platforms, null), model, "list the OpenCL platforms");
        List<Device> devices = new ArrayList<Device>();
        List<String> empty = new ArrayList<String>();
        for (cl_platform_id platform : platforms) {
            String platformName = platformString(platform, CL.CL_PLATFORM_NAME);
            int[] n = new int[1];
            int found = CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, 0, null, n);
            if (found == CL.CL_DEVICE_NOT_FOUND || n[0] == 0) {
                empty.add(platformName);
                continue;
            }
            check(found, model, "list the devices of OpenCL platform " + platformName);
            cl_device_id[] ids = new cl_device_id[n[0]];
            check(CL.clGetDeviceIDs(platform, CL.CL_DEVICE_TYPE_ALL, n[0], ids, null), model,
                    "list the devices of OpenCL platform " + platformName);
            for (cl_device_id id : ids) {
                devices.add(new Device(id, devices.size(), platformName, deviceString(id, CL.CL_DEVICE_NAME),
                        deviceLong(id, CL.CL_DEVICE_TYPE), deviceString(id, CL.CL_DEVICE_EXTENSIONS),
                        deviceString(id, CL.CL_DEVICE_OPENCL_C_VERSION), deviceLong(id, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                        deviceLong(id, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE)));
            }
        }
        if (devices.isEmpty()) {
            throw new OpenClException(model + " found no OpenCL device: the platforms " + empty + " have none");
        }
        return devices;
    }

    /**
     * The device {@code selector} names: {@code gpu}, {@code cpu} or {@code accelerator}
     * (the first of that type); a number (the device's place in the list of every platform's
     * devices); {@code P:D} (device D of platform P); or text found, ignoring case, in
     * "platform / device". Null or blank: the first GPU, else the first CPU, else the first device.
     */
    static Device choose(List<Device> devices, String selector, String model) {
        String s = selector == null ? "" : selector.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            Device gpu = firstOfType(devices, CL.CL_DEVICE_TYPE_GPU);
            Device cpu = firstOfType(devices, CL.CL_DEVICE_TYPE_CPU);
            return gpu != null ? gpu : cpu != null ? cpu : devices.get(0);
        }
        Device found = null;
        if (s.equals("gpu") || s.equals("cpu") || s.equals("accelerator")) {
            found = firstOfType(devices, s.equals("gpu") ? CL.CL_DEVICE_TYPE_GPU
                    : s.equals("cpu") ? CL.CL_DEVICE_TYPE_CPU : CL.CL_DEVICE_TYPE_ACCELERATOR);
        } else if (s.matches("\\d+")) {
            int i = Integer.parseInt(s);
            found = i < devices.size() ? devices.get(i) : null;
        } else if (s.matches("\\d+:\\d+")) {
            found = platformDevice(devices, Integer.parseInt(s.substring(0, s.indexOf(':'))),
                    Integer.parseInt(s.substring(s.indexOf(':') + 1)));
        } else {
            for (Device d : devices) {
                if (found == null && (d.platform + " / " + d.name).toLowerCase(Locale.ROOT).contains(s)) {
                    found = d;
                }
            }
        }
        if (found == null) {
            throw new OpenClException(model + ": no OpenCL device matches '" + selector + "' (gpu, cpu, accelerator, "
                    + "a number, platform:device, or part of a name); the devices are: " + devices);
        }
        return found;
    }

    /** Refuses, before the build, a device without OpenCL C 1.2 or, for a program in double, cl_khr_fp64. */
    static void requireSupport(Device device, boolean doubles, String model) {
        if (doubles && !device.extensions.contains("cl_khr_fp64")) {
            throw new OpenClException(model + " computes in double, but OpenCL device " + device
                    + " lacks cl_khr_fp64; choose another device with -D" + DEVICE_PROPERTY + "=...");
        }
        if (!atLeast12(device.version)) {
            throw new OpenClException(model + " needs OpenCL C 1.2, but OpenCL device " + device + " offers "
                    + device.version);
        }
    }

    private static Device firstOfType(List<Device> devices, long type) {
        for (Device d : devices) {
            if ((d.type & type) != 0) {
                return d;
            }
        }
        return null;
    }

    /** Device {@code d} of the {@code p}-th platform that has devices. */
    private static Device platformDevice(List<Device> devices, int p, int d) {
        List<String> platforms = new ArrayList<String>();
        int inPlatform = 0;
        for (Device device : devices) {
            if (platforms.isEmpty() || !platforms.get(platforms.size() - 1).equals(device.platform)) {
                platforms.add(device.platform);
                inPlatform = 0;
            }
            if (platforms.size() - 1 == p && inPlatform == d) {
                return device;
            }
            inPlatform++;
        }
        return null;
    }

    /** A description of the device in use: platform, name, type and OpenCL C version. */
    public String device() {
        return device.platform + " / " + device.name + " (" + device.typeName() + ", " + device.version + ")";
    }

    /** A device buffer of {@code bytes} (at least 1), contents undefined. */
    public Buffer buffer(String what, long bytes) {
        return allocate(what, bytes, 0, null);
    }

    /** A read-only device buffer holding a copy of {@code array} (a primitive or boolean array). */
    public Buffer upload(String what, Object array) {
        Object data = array instanceof boolean[] ? bytes((boolean[]) array) : array;
        return allocate(what, bytes(data), CL.CL_MEM_COPY_HOST_PTR, pointer(data));
    }

    private Buffer allocate(String what, long bytes, long flags, Pointer host) {
        long size = Math.max(1, bytes);
        if (size > device.maxAllocation) {
            throw outOfMemory(what + " needs " + mb(size) + " in one buffer; the device allows at most "
                    + mb(device.maxAllocation) + " per buffer");
        }
        if (allocated + size > device.globalMemory) {
            throw outOfMemory(what + " needs " + mb(size) + " more, after " + mb(allocated) + "; the device has "
                    + mb(device.globalMemory));
        }
        int[] error = new int[1];
        cl_mem mem;
        try {
            mem = CL.clCreateBuffer(context, CL.CL_MEM_READ_WRITE | flags, size, host, error);
        } catch (RuntimeException e) {
            throw translate(e, model, "allocate " + what);
        }
        if (error[0] != CL.CL_SUCCESS) {
            throw failure(error[0], model, "allocate " + mb(size) + " for " + what);
        }
        Buffer b = new Buffer(mem, what, size);
        buffers.add(b);
        allocated += size;
        return b;
    }

    /**
     * A step: kernel {@code name} with its arguments set once, in order, from {@code args}
     * ({@link Buffer}s and {@code Integer}s), launched over {@code global} items in
     * work-groups of {@code local}.
     */
    public Step step(String name, long[] global, long[] local, Object... args) {
        int[] error = new int[1];
        cl_kernel kernel = CL.clCreateKernel(program, name, error);
        check(error[0], model, "create kernel " + name);
        kernels.add(kernel);
        for (int i = 0; i < args.length; i++) {
            int status;
            if (args[i] instanceof Buffer) {
                status = CL.clSetKernelArg(kernel, i, Sizeof.cl_mem, Pointer.to(((Buffer) args[i]).mem));
            } else {
                status = CL.clSetKernelArg(kernel, i, Sizeof.cl_int, Pointer.to(new int[] {(Integer) args[i]}));
            }
            check(status, model, "set argument " + i + " of kernel " + name);
        }
        return new Step(kernel, name, global, local);
    }

    /** Copies {@code array} into the start of {@code buffer}; returns when the copy is done. */
    public void write(Buffer buffer, Object array) {
        Object data = array instanceof boolean[] ? bytes((boolean[]) array) : array;
        long bytes = bytes(data);
        if (bytes > 0) {
            check(CL.clEnqueueWriteBuffer(queue, buffer.mem, true, 0, bytes, pointer(data), 0, null, null), model,
                    "copy to " + buffer.what);
        }
    }

    /** Sets every byte of {@code buffer} to 0. */
    public void clear(Buffer buffer) {
        check(CL.clEnqueueFillBuffer(queue, buffer.mem, Pointer.to(new byte[] {0}), 1, 0, buffer.bytes, 0, null, null),
                model, "clear " + buffer.what);
    }

    /** Enqueues the steps in order. */
    public void run(Step[] steps) {
        for (Step s : steps) {
            check(CL.clEnqueueNDRangeKernel(queue, s.kernel, s.global.length, null, s.global, s.local, 0, null, null),
                    model, "run kernel " + s.name);
        }
    }

    /**
     * Copies elements of {@code buffer}, from element {@code offset} (elements of the
     * array's type) on, into {@code array}; returns when the copy is done, and so when
     * every step enqueued before it has run.
     */
    public void read(Buffer buffer, long offset, Object array) {
        boolean flags = array instanceof boolean[];
        Object data = flags ? new byte[((boolean[]) array).length] : array;
        long bytes = bytes(data);
        if (bytes > 0) {
            long elementBytes = bytes / java.lang.reflect.Array.getLength(data);
            check(CL.clEnqueueReadBuffer(queue, buffer.mem, true, offset * elementBytes, bytes, pointer(data), 0, null,
                    null), model, "copy from " + buffer.what);
        }
        if (flags) {
            byte[] b = (byte[]) data;
            boolean[] out = (boolean[]) array;
            for (int i = 0; i < b.length; i++) {
                out[i] = b[i] != 0;
            }
        }
    }

    /** Releases the kernels, buffers, program, queue and context; later calls do nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CL.clFinish(queue);
        for (cl_kernel k : kernels) {
            CL.clReleaseKernel(k);
        }
        for (Buffer b : buffers) {
            CL.clReleaseMemObject(b.mem);
        }
        kernels.clear();
        buffers.clear();
        release(context, queue, program);
    }

    public boolean isClosed() {
        return closed;
    }

    private static void release(cl_context context, cl_command_queue queue, cl_program program) {
        if (program != null) {
            CL.clReleaseProgram(program);
        }
        if (queue != null) {
            CL.clReleaseCommandQueue(queue);
        }
        if (context != null) {
            CL.clReleaseContext(context);
        }
    }

    private static Pointer pointer(Object array) {
        if (array instanceof float[]) {
            return Pointer.to((float[]) array);
        } else if (array instanceof double[]) {
            return Pointer.to((double[]) array);
        } else if (array instanceof long[]) {
            return Pointer.to((long[]) array);
        } else if (array instanceof int[]) {
            return Pointer.to((int[]) array);
        } else if (array instanceof short[]) {
            return Pointer.to((short[]) array);
        } else if (array instanceof byte[]) {
            return Pointer.to((byte[]) array);
        }
        throw new IllegalArgumentException("OpenCL buffers hold no " + array.getClass().getSimpleName());
    }

    private static long bytes(Object array) {
        int n = java.lang.reflect.Array.getLength(array);
        if (array instanceof double[] || array instanceof long[]) {
            return 8L * n;
        } else if (array instanceof float[] || array instanceof int[]) {
            return 4L * n;
        } else if (array instanceof short[]) {
            return 2L * n;
        }
        return n;
    }

    private static byte[] bytes(boolean[] flags) {
        byte[] b = new byte[flags.length];
        for (int i = 0; i < flags.length; i++) {
            b[i] = (byte) (flags[i] ? 1 : 0);
        }
        return b;
    }

    private static boolean atLeast12(String version) {
        // "OpenCL C 1.2 ...", "OpenCL C 3.0 ..."
        String[] words = version.trim().split("\\s+");
        if (words.length < 3) {
            return true; // unknown format: let the build decide
        }
        String[] parts = words[2].split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major > 1 || (major == 1 && minor >= 2);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static String buildLog(cl_program program, Device device) {
        long[] size = new long[1];
        CL.clGetProgramBuildInfo(program, device.id, CL.CL_PROGRAM_BUILD_LOG, 0, null, size);
        byte[] log = new byte[(int) Math.max(1, size[0])];
        CL.clGetProgramBuildInfo(program, device.id, CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return cString(log);
    }

    /** The first line of a build log that reports an error, or its first line. */
    private static String firstError(String log) {
        String[] lines = log.split("\n");
        for (String line : lines) {
            if (line.contains("error")) {
                return line.trim();
            }
        }
        return lines[0].trim();
    }

    private static String platformString(cl_platform_id platform, int param) {
        long[] size = new long[1];
        CL.clGetPlatformInfo(platform, param, 0, null, size);
        byte[] text = new byte[(int) Math.max(1, size[0])];
        CL.clGetPlatformInfo(platform, param, text.length, Pointer.to(text), null);
        return cString(text);
    }

    private static String deviceString(cl_device_id device, int param) {
        long[] size = new long[1];
        CL.clGetDeviceInfo(device, param, 0, null, size);
        byte[] text = new byte[(int) Math.max(1, size[0])];
        CL.clGetDeviceInfo(device, param, text.length, Pointer.to(text), null);
        return cString(text);
    }

    private static long deviceLong(cl_device_id device, int param) {
        long[] value = new long[1];
        CL.clGetDeviceInfo(device, param, Sizeof.cl_ulong, Pointer.to(value), null);
        return value[0];
    }

    private static String cString(byte[] text) {
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8).trim();
    }

    private static String mb(long bytes) {
        return (bytes + MB - 1) / MB + " MB";
    }

    private OpenClException outOfMemory(String detail) {
        return new OpenClException(model + " is out of device memory on " + device + ": " + detail);
    }

    private static void check(int status, String model, String what) {
        if (status != CL.CL_SUCCESS) {
            throw failure(status, model, what);
        }
    }

    /** The exception for a failed call; the allocation failures say "out of device memory". */
    private static OpenClException failure(int status, String model, String what) {
        boolean memory = status == CL.CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL.CL_OUT_OF_RESOURCES
                || status == CL.CL_OUT_OF_HOST_MEMORY || status == CL.CL_INVALID_BUFFER_SIZE;
        return new OpenClException(model + (memory ? " is out of device memory: cannot " : ": cannot ") + what
                + " (" + CL.stringFor_errorCode(status) + ")");
    }

    /** JOCL throws CLException instead of returning codes if someone enabled its exceptions. */
    private static RuntimeException translate(RuntimeException e, String model, String what) {
        if (e instanceof CLException) {
            return failure(((CLException) e).getStatus(), model, what);
        }
        return e;
    }
}
