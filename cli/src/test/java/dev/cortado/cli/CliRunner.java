package dev.cortado.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the command in-process and captures its stdout, stderr and exit code. */
record CliRunner(int exitCode, String out, String err) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = CortadoCommand.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRunner(code, out.toString(), err.toString());
    }

    /** Exit 2 with every fragment on stderr and no stack trace (that takes --verbose). */
    void assertUsageError(String... fragments) {
        org.junit.jupiter.api.Assertions.assertEquals(ExitCodes.USAGE, exitCode, err);
        for (String f : fragments) {
            org.junit.jupiter.api.Assertions.assertTrue(err.contains(f), "stderr should contain '" + f + "':\n" + err);
        }
        org.junit.jupiter.api.Assertions.assertFalse(err.contains("\tat "), "no stack trace without --verbose:\n" + err);
    }
}
