package dev.fovea.tensor;

/**
 * Whether the incubating Vector API ({@code jdk.incubator.vector}) is in this JVM's module graph.
 *
 * <p>Why a switch: the Vector API is an incubator module, so a plain {@code java -cp} run does not
 * resolve it, and the first touch of a class that names {@code FloatVector} then fails with
 * {@code NoClassDefFoundError}. Every kernel that uses the Vector API keeps a plain-Java twin and
 * asks {@link #available()} which to run; classes that mention vector types are only loaded on
 * the vector side of that test (the JVM resolves classes lazily, so the test itself is safe).
 * This is the pattern Apache Lucene uses for its vectorisation provider.
 *
 * <p>The system property {@code fovea.vector=false} forces the plain kernels (for tests and
 * comparisons) even when the module is present.
 */
public final class VectorSupport {
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"false".equalsIgnoreCase(System.getProperty("fovea.vector", "true"));

    static {
        if (!AVAILABLE) {
            System.getLogger("dev.fovea").log(System.Logger.Level.INFO,
                    "Fovea runs its plain-Java kernels: the Vector API module is not enabled; "
                            + "start java with --add-modules jdk.incubator.vector for full speed");
        }
    }

    private VectorSupport() {}

    /** True when kernels may use {@code jdk.incubator.vector}. */
    public static boolean available() { return AVAILABLE; }
}
