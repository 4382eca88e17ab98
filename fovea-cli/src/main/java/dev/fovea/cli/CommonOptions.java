package dev.fovea.cli;

import dev.fovea.io.LoadLimits;
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

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads, 1 to 4 per core (default: the number of cores).")
    Integer threads;

    @Option(names = "--max-input-elements", paramLabel = "N",
            description = "Largest model input accepted, in values per example (default: 16777216, e.g. 2048x2048x4).")
    Long maxInputElements;

    @Option(names = "--max-constant-elements", paramLabel = "N",
            description = "Values an imported ONNX graph may compute while it loads (default: 67108864, 256 MiB).")
    Long maxConstantElements;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Standard output of this run (results; JSON under --json). */
    PrintWriter out() { return spec.commandLine().getOut(); }

    /** Standard error of this run (progress, notes). */
    PrintWriter err() { return spec.commandLine().getErr(); }

    void apply() {
        if (threads != null) {
            if (threads < 1 || threads > Parallel.maxThreads()) {
                throw new CliException("--threads must be 1.." + Parallel.maxThreads() + " (" + Parallel.MAX_THREADS_PER_CORE + " per core on this "
                        + Runtime.getRuntime().availableProcessors() + "-core machine), got " + threads);
            }
            Parallel.setThreads(threads);
        }
        if (maxInputElements != null) {
            if (maxInputElements < 1) throw new CliException("--max-input-elements must be >= 1, got " + maxInputElements);
            LoadLimits.setMaxInputElements(maxInputElements);
        }
        if (maxConstantElements != null) {
            if (maxConstantElements < 1) throw new CliException("--max-constant-elements must be >= 1, got " + maxConstantElements);
            LoadLimits.setMaxConstantElements(maxConstantElements);
        }
    }
}
