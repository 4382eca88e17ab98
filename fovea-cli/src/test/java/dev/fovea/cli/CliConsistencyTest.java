package dev.fovea.cli;

import dev.fovea.model.Presets;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Usage errors are one line with the nearest spelling; help texts list every preset; the model is --model everywhere. */
class CliConsistencyTest {
    @Test
    void usageErrorsAreOneLineWithTheNearestSpelling() {
        record Case(String[] args, String expected) {}
        List<Case> cases = List.of(
                new Case(new String[] {"train", "--epoch", "3"},
                        "fovea: error: unknown options: '--epoch', '3'; did you mean --epochs? (fovea train --help lists the options)"),
                new Case(new String[] {"trian"},
                        "fovea: error: unmatched argument at index 0: 'trian'; did you mean train? (fovea --help lists the commands)"),
                new Case(new String[] {"evaluate", "--model"},
                        "fovea: error: missing required parameter for option '--model' (FILE.fovea|FILE.onnx) (fovea evaluate --help lists the options)"),
                new Case(new String[] {"predict", "--top-k", "many", "x.png"},
                        "fovea: error: invalid value for option '--top-k': 'many' is not an int (fovea predict --help lists the options)"));
        for (Case c : cases) {
            FoveaRun r = FoveaRun.of(c.args());
            assertEquals(Main.USAGE_ERROR, r.code(), String.join(" ", c.args()));
            assertEquals(c.expected(), r.err().strip(), "one line, no usage text");
            assertEquals("", r.out());
        }
    }

    @Test
    void helpTextsListEveryPreset() {
        assertEquals(Presets.names(), List.of(ModelSource.PRESET_NAMES.split(", ")), "ModelSource.PRESET_NAMES is what help texts show");
        for (String command : List.of("train", "summary")) {
            String help = FoveaRun.of(command, "--help").out().replaceAll("\\s+", " ");
            for (String preset : Presets.names()) assertTrue(help.contains(preset), command + " --help names " + preset);
        }
    }

    @Test
    void summaryFitsTheHeadToAClassCount() {
        FoveaRun r = FoveaRun.of("summary", "--model", "notes", "--input-shape", "32,32,3", "--classes", "3", "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().replaceAll("\\s+", "").contains("\"output_shape\":[3],\"params\":3075"), r.out());   // 1024 x 3 + 3
    }

    @Test
    void visualizeAndServeTakeTheModelAsAnOptionToo() {
        FoveaRun both = FoveaRun.of("visualize", "--model", "a.fovea", "b.fovea", "c.png");
        assertEquals(1, both.code());
        assertTrue(both.err().startsWith("fovea: error: visualize takes --model MODEL IMAGE (or MODEL IMAGE)"), both.err());
        FoveaRun none = FoveaRun.of("serve");
        assertEquals(1, none.code());
        assertTrue(none.err().startsWith("fovea: error: serve needs a model"), none.err());
        FoveaRun missing = FoveaRun.of("serve", "--model", "nowhere.fovea", "--port", "0");
        assertEquals(1, missing.code());
    }
}
