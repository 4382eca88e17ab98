package dev.fovea.cli;

import dev.fovea.FoveaException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** The {@code fovea} command: train, evaluate, predict and summarise CNNs. */
@Command(name = "fovea", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Convolutional neural networks on the JVM: define, train, evaluate and predict.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
                VisualizeCommand.class, ServeCommand.class, BenchCommand.class, OnnxCommand.class, KerasCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    /** Exit code of a command line that does not parse (bad option, missing value); 1 is a failure while running. */
    static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (train, evaluate, predict, summary, visualize, serve, bench, onnx, keras)");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with the given streams; returns the exit code (0 on success). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, arguments) -> {
            err.println("fovea: error: " + UsageErrors.describe(ex));
            err.flush();
            return USAGE_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            boolean verbose = parseResult.expandedArgs().contains("--verbose");
            if (verbose) ex.printStackTrace(err);
            String message = ex instanceof FoveaException ? FlagTerms.translate(ex.getMessage())
                    : ex instanceof CliException ? ex.getMessage()
                    : ex.getClass().getSimpleName() + ": " + ex.getMessage() + (verbose ? "" : " (run with --verbose for details)");
            err.println("fovea: error: " + message);
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }
}
