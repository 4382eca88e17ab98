package dev.fovea.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the fovea command line, as the CLI tests make it: exit code and both streams. */
record FoveaRun(int code, String out, String err) {
    static FoveaRun of(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new FoveaRun(code, out.toString(), err.toString());
    }
}
