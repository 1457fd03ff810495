package dev.kiln.codegen.opencl.host;

/**
 * A model's OpenCL host class could not set up or use its device: no OpenCL library,
 * no platform, no matching device, no double support, a rejected program, not enough
 * device memory. The message says which, and what to do about it. Java 8.
 */
public class OpenClException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    public OpenClException(String message) {
        super(message);
    }

    public OpenClException(String message, Throwable cause) {
        super(message, cause);
    }
}
