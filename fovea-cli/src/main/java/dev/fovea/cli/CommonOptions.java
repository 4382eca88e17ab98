package dev.fovea.cli;

import dev.fovea.tensor.Parallel;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = "--json", description = "Print machine-readable JSON on standard output.")
    boolean json;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: the number of cores).")
    Integer threads;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Standard output of this run (results; JSON under --json). */
    PrintWriter out() { return spec.commandLine().getOut(); }

    /** Standard error of this run (progress, notes). */
    PrintWriter err() { return spec.commandLine().getErr(); }

    void apply() {
        if (threads != null) {
            if (threads < 1) throw new CliException("--threads must be >= 1, got " + threads);
            Parallel.setThreads(threads);
        }
    }
}
