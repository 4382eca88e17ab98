package dev.fovea.tensor;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fovea works on a plain {@code java -cp} (no {@code --add-modules jdk.incubator.vector}): a small
 * CNN trains and predicts in a forked JVM without the module, on the plain-Java kernels, and
 * gives the numbers the Vector API kernels give in this JVM, within float rounding.
 */
class PlainKernelsTest {
    @Test
    void trainingAndPredictionWithoutTheVectorModuleMatchTheVectorKernels() throws Exception {
        assertTrue(VectorSupport.available(), "the tests run with --add-modules jdk.incubator.vector (see the pom's argLine)");
        String vector = PlainKernelsProgram.run();
        Fork plain = fork();
        assertEquals(0, plain.code(), plain.err());
        assertTrue(plain.err().contains("Fovea runs its plain-Java kernels"), "one line says how to enable the fast path: " + plain.err());
        assertTrue(!plain.err().contains("Exception") && !plain.err().contains("Error"), plain.err());
        List<String> v = vector.lines().toList(), p = plain.out().lines().toList();
        assertEquals("vector true", v.get(0));
        assertEquals("vector false", p.get(0));
        assertEquals(v.size(), p.size());
        for (int line = 1; line < v.size(); line++) {
            String[] a = v.get(line).trim().split(" "), b = p.get(line).trim().split(" ");
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) {
                double x = Double.parseDouble(a[i]), z = Double.parseDouble(b[i]);
                // Sums run in another order (vector lanes, blocking), so training drifts by float rounding only.
                assertEquals(x, z, 2e-3 + 1e-3 * Math.abs(x), "line " + line + " value " + i);
            }
        }
    }

    private record Fork(int code, String out, String err) {}

    /** PlainKernelsProgram in a new JVM with this classpath and no --add-modules. */
    private static Fork fork() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process proc = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), PlainKernelsProgram.class.getName())
                .redirectErrorStream(false).start();
        var out = proc.getInputStream().readAllBytes();
        var err = proc.getErrorStream().readAllBytes();
        if (!proc.waitFor(5, TimeUnit.MINUTES)) {
            proc.destroyForcibly();
            throw new AssertionError("the forked JVM did not finish");
        }
        return new Fork(proc.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
