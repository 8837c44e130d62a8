package dev.cortado.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code cortado} command. Results go to stdout, everything else (logs, progress, errors) to
 * stderr; the exit code says what happened (see {@link ExitCodes}). A bad input prints one message
 * and no stack trace unless {@code --verbose} is given.
 */
@Command(name = "cortado", mixinStandardHelpOptions = true, version = "cortado 0.1.0",
        description = "Trains, evaluates and benchmarks convolutional networks on the CPU or an NVIDIA GPU.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, BenchmarkCommand.class,
                SummaryCommand.class, ModelsCommand.class, DevicesCommand.class, DataCommand.class, ExportCommand.class,
                CommandLine.HelpCommand.class})
public final class CortadoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "Debug logging, and the stack trace with any error.")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("cortado: name a command; the main job is: cortado train");
        spec.commandLine().usage(err);
        return ExitCodes.USAGE;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, out, err));
    }

    /** Runs the command line {@code args} with the given streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        // Charts are drawn into PNG files; never try to open a display.
        System.setProperty("java.awt.headless", "true");
        boolean verbose = Arrays.asList(args).contains("--verbose");
        if (verbose) {
            Configurator.setRootLevel(Level.DEBUG);
        }
        CommandLine cli = new CommandLine(new CortadoCommand());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, ignored) -> {
            err.println(usageError(ex));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, failed, ignored) -> report(ex, failed.getCommandSpec().qualifiedName(),
                verbose, err));
        int code;
        try {
            code = cli.execute(args);
        } catch (OutOfMemoryError e) {
            // An Error passes picocli's handlers by; it still gets the one-line treatment.
            code = report(e, "cortado", verbose, err);
        }
        out.flush();
        err.flush();
        return code;
    }

    /** A bad command line in one line: what is wrong, the likely intended option, where the options are listed. */
    static String usageError(CommandLine.ParameterException ex) {
        String command = ex.getCommandLine().getCommandSpec().qualifiedName();
        StringBuilder b = new StringBuilder(command).append(": ");
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            b.append(arg.startsWith("-") ? "unknown option '" : "unexpected argument '").append(arg).append('\'');
            if (!u.getSuggestions().isEmpty()) {
                b.append("; did you mean ").append(String.join(" or ", u.getSuggestions())).append('?');
            }
        } else {
            b.append(ex.getMessage());
        }
        return b.append(" ('").append(command).append(" --help' lists the options)").toString();
    }

    static int report(Throwable ex, String command, boolean verbose, PrintWriter err) {
        ExitCodes.Classified c = ExitCodes.classify(ex);
        err.println(command + ": " + c.message());
        if (verbose) {
            ex.printStackTrace(err);
        } else if (c.exitCode() == ExitCodes.TRAINING_FAILED && c.message().startsWith("unexpected")) {
            err.println("(run again with --verbose for the stack trace)");
        }
        err.flush();
        return c.exitCode();
    }

    /** For tests: the subcommand names. */
    static List<String> commandNames() {
        return List.copyOf(new CommandLine(new CortadoCommand()).getSubcommands().keySet());
    }
}
