package dev.fovea.cli;

import dev.fovea.json.Json;
import dev.fovea.json.JsonObject;
import dev.fovea.tensor.Parallel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fovea bench, with windows so short that it runs in a moment: the output's shape, not speed. */
class BenchCommandTest {
    private static final String[] QUICK = {"--repetitions", "2", "--rep-seconds", "0.01", "--warmup-min", "0", "--warmup-max", "0.2", "--threads", "1"};

    private static int threadsBefore;


    // --threads resizes the one shared pool; give the other tests in this JVM theirs back.
    @BeforeAll static void rememberThreads() { threadsBefore = Parallel.threads(); }

    @AfterAll static void restoreThreads() { Parallel.setThreads(threadsBefore); }

    static FoveaRun fovea(String... args) {
        return FoveaRun.of(args);
    }

    static String[] bench(String... args) {
        String[] all = new String[1 + args.length + QUICK.length];
        all[0] = "bench";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(QUICK, 0, all, 1 + args.length, QUICK.length);
        return all;
    }

    @Test
    void jsonHasTheMediansSpreadAndConfiguration() {
        FoveaRun r = fovea(bench("--model", "tiny", "--input-shape", "12,12,1", "--batch", "4", "--json"));
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(1, lines.length, "one JSON object per workload, one per line");
        JsonObject j = Json.parseObject(lines[0], "bench --json");
        for (String key : new String[] {"train_img_s", "infer_img_s", "latency_b1_ms", "gflops_train"}) {
            assertTrue(j.requireDouble(key) > 0, key);
            assertTrue(j.requireDouble(key + "_min") <= j.requireDouble(key), key);
            assertTrue(j.requireDouble(key + "_max") >= j.requireDouble(key), key);
        }
        assertEquals(4, j.requireLong("batch"));
        assertEquals(1, j.requireLong("threads"));
        assertEquals(2, j.requireLong("repetitions"));
        assertEquals(3, j.requireArray("input_shape").size());
        assertTrue(j.requireString("jdk").startsWith(String.valueOf(Runtime.version().feature())));
        assertTrue(j.requireDouble("mflop_train_per_image") > 0);
    }

    @Test
    void inferenceOnlyMeasuresNoTraining() {
        FoveaRun r = fovea(bench("--model", "tiny", "--input-shape", "12,12,1", "--batch", "3", "--inference-only", "--json"));
        assertEquals(0, r.code(), r.err());
        JsonObject j = Json.parseObject(r.out().strip(), "bench --inference-only --json");
        for (String key : new String[] {"infer_img_s", "latency_b1_ms", "gflops_infer"}) {
            assertTrue(j.requireDouble(key) > 0, key);
            assertTrue(j.requireDouble(key + "_min") <= j.requireDouble(key), key);
        }
        assertFalse(j.has("train_img_s"), "no training window");
        assertTrue(j.requireBoolean("inference_only"));
        assertEquals(3, j.requireLong("batch"));
        FoveaRun g = fovea("bench", "--gemm", "8", "--inference-only");
        assertEquals(1, g.code());
        assertTrue(g.err().contains("--inference-only"), g.err());
    }

    @Test
    void textReportNamesEveryMetric() {
        FoveaRun r = fovea(bench("--model", "tiny", "--input-shape", "12,12,1", "--batch", "4"));
        assertEquals(0, r.code(), r.err());
        for (String s : new String[] {"img/s", "latency (batch 1)", "GFLOP/s", "B/step", "peak heap"}) assertTrue(r.out().contains(s), r.out());
    }

    @Test
    void gemmReportsGflops() {
        FoveaRun r = fovea(bench("--gemm", "16", "--json"));
        assertEquals(0, r.code(), r.err());
        JsonObject j = Json.parseObject(r.out().strip(), "bench --gemm");
        assertTrue(j.requireDouble("gemm_gflops") > 0);
        assertEquals(16, j.requireLong("gemm_n"));
    }

    @Test
    void badSettingsFailWithOneLine() {
        FoveaRun r = fovea("bench", "--repetitions", "0");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("fovea: error: --repetitions must be >= 1"), r.err());
        FoveaRun g = fovea("bench", "--gemm", "8", "--model", "tiny");
        assertEquals(1, g.code());
        assertTrue(g.err().contains("takes no --model"), g.err());
    }
}
