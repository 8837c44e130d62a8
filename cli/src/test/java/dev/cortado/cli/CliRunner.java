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
}
