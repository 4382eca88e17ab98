package dev.fovea.onnx;

import dev.fovea.onnx.check.Conformance;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tier 2, external oracle: every ONNX backend test copied into the test resources (82 + 114 node
 * tests, 30 PyTorch-converted modules, 4 light architectures; see NOTICE.md there) must pass through the
 * importer within the ONNX suite's tolerance. One JUnit test per ONNX test.
 */
class ConformanceSuiteTest {
    static Path root() {
        try {
            return Path.of(ConformanceSuiteTest.class.getResource("/conformance/onnx").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCopiedTestPasses() {
        List<Path> tests = Conformance.discover(root());
        assertEquals(82 + 114 + 30 + 4, tests.size(), "copied conformance cases");
        return tests.stream().map(t -> DynamicTest.dynamicTest(t.getFileName().toString(), () -> {
            for (Conformance.Result r : Conformance.runOne(t)) {
                assertTrue(r.passed(), r.name() + ": " + r.message() + " (max abs " + r.maxAbs() + ", max rel " + r.maxRel() + ")");
            }
        }));
    }
}
