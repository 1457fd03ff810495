package dev.kiln.codegen.conformance;

/**
 * The outcome of one node test.
 *
 * @param op the operator under test
 * @param detail why it failed, was skipped or is unsupported; empty when it passed
 */
public record TestResult(String test, String op, Status status, String detail) {
    /**
     * SKIPPED: on the documented skip list. UNSUPPORTED: the back end has no kernel for
     * one of the test's ops (after the passes), which is not a failure of the ops it claims.
     */
    public enum Status { PASSED, FAILED, SKIPPED, UNSUPPORTED }
}
