package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The top-level command: what it says when no command or an unknown one is given. */
class KilnCommandTest {
    @Test
    void anUnknownCommandIsCalledThatAndTheCommandsAreListed() {
        Cli.Result r = Cli.run("frobnicate", "model.onnx");
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kiln: error: unknown command 'frobnicate' (commands: compile, run, verify, bench, inspect,"
                + " print, operators, conformance, demo, help) (see 'kiln --help')\n", r.err());
    }

    @Test
    void noCommandListsTheCommands() {
        Cli.Result r = Cli.run();
        assertEquals(2, r.exitCode(), r.toString());
        assertEquals("kiln: error: no command given (commands: compile, run, verify, bench, inspect, print,"
                + " operators, conformance, demo, help) (see 'kiln --help')\n", r.err());
    }
}
