package dev.kiln.codegen.conformance;

/**
 * The outcome of one node test.
 *
 * @param op the operator under test
 * @param detail why it failed or was skipped; empty when it passed
 */
public record TestResult(String test, String op, Status status, String detail) {
    public enum Status { PASSED, FAILED, SKIPPED }
}
