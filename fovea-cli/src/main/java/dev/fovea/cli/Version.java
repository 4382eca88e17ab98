package dev.fovea.cli;

import picocli.CommandLine;

/** Reports the Fovea and JDK versions. */
final class Version implements CommandLine.IVersionProvider {
    static String fovea() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override public String[] getVersion() {
        return new String[] {"fovea " + fovea(), "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
