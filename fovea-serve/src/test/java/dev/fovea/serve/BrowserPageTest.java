package dev.fovea.serve;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The web page in a real browser: Debian's headless Chromium driven by Playwright
 * ({@code src/test/browser/page.test.mjs}). It needs node, /usr/bin/chromium and
 * {@code npm ci} in src/test/browser; {@code .ci/run} installs all three. Without them the test
 * fails when CI=true (a browser test that silently passes proves nothing) and is skipped, with
 * the reason, on a developer's machine.
 */
class BrowserPageTest {
    @Test
    void uploadingAnImageShowsTheTopLabelAndEveryLayersFeatureMaps() throws Exception {
        Path dir = Path.of(System.getenv().getOrDefault("FOVEA_BROWSER_DIR", "src/test/browser"));
        String chromium = System.getenv().getOrDefault("FOVEA_CHROMIUM", "/usr/bin/chromium");
        String missing = !Files.isRegularFile(dir.resolve("node_modules/playwright-core/package.json"))
                ? "playwright-core is not installed (run: npm ci --prefix " + dir + ")"
                : !Files.isExecutable(Path.of(chromium)) ? chromium + " is missing (run: apt-get install -y chromium)"
                : onPath("node") == null ? "node is not on the PATH" : null;
        if (missing != null) {
            if ("true".equals(System.getenv("CI"))) fail("browser test cannot run in CI: " + missing);
            Assumptions.abort("browser test skipped: " + missing);
        }
        Path image = Files.createTempFile("pullover", ".png");
        Files.write(image, TestModels.pullover());
        var models = InferenceServer.load(Map.of("tiny", TestModels.trainedTiny()));
        try (InferenceServer s = InferenceServer.start(models, ServerConfig.defaults().withPort(0), line -> { })) {
            String url = "http://127.0.0.1:" + s.address().getPort() + "/";
            Path log = Files.createTempFile("browser", ".log");
            Process p = new ProcessBuilder(onPath("node").toString(), dir.resolve("page.test.mjs").toString(), url, image.toString(), "Pullover")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("browser test did not finish in 180 s:\n" + Files.readString(log));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            System.out.println(out);
            assertEquals(0, p.exitValue(), out);
        } finally {
            Files.deleteIfExists(image);
        }
    }

    private static Path onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

}
