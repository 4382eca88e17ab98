package dev.fovea.cli;

import picocli.CommandLine;

/** Reports the Fovea and JDK versions, and which kernels run. */
final class Version implements CommandLine.IVersionProvider {
    /** The version in the jar's manifest; "dev" when running from classes (tests, an IDE). */
    static String fovea() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override public String[] getVersion() {
        return new String[] {"fovea " + fovea(), "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
                "kernels: " + (dev.fovea.tensor.VectorSupport.available() ? "Vector API (jdk.incubator.vector)"
                        : "plain Java (start java with --add-modules jdk.incubator.vector for the Vector API ones)")};
    }
}
