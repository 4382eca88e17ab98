package dev.fovea.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's Java example is the code that runs: examples/src/main/java/example/CourseNotes.java
 * (built and run against the installed artifacts by scripts/examples in CI) appears in the README
 * verbatim. Also keeps fovea-bom's version (it has no parent) equal to the reactor's.
 */
class ReadmeExampleTest {
    private static final Path ROOT = Path.of("..");

    private static String read(String file) throws IOException {
        return Files.readString(ROOT.resolve(file), StandardCharsets.UTF_8);
    }

    @Test
    void readmeShowsTheExampleFileVerbatim() throws IOException {
        String example = read("examples/src/main/java/example/CourseNotes.java");
        String readme = read("README.md");
        assertTrue(readme.contains("```java\n" + example + "```\n"),
                "README.md must show examples/src/main/java/example/CourseNotes.java verbatim in a ```java block;"
                        + " copy the file into the README after changing either");
    }

    @Test
    void theBomHasTheReactorsVersion() throws IOException {
        assertEquals(version(read("pom.xml")), version(read("fovea-bom/pom.xml")));
        assertEquals(version(read("pom.xml")), property(read("examples/pom.xml"), "fovea.version"));
    }

    /** The project's own version: the first version element after artifactId, outside any parent block. */
    private static String version(String pom) {
        String body = pom.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<!--.*?-->", "");
        Matcher m = Pattern.compile("<artifactId>[^<]+</artifactId>\\s*<version>([^<]+)</version>").matcher(body);
        assertTrue(m.find(), "no version in pom");
        return m.group(1);
    }

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), "no property " + name);
        return m.group(1);
    }
}
