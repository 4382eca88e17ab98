package dev.fovea.cli;


import java.util.Map;

/** One thing {@code fovea bench} measures: it warms up, then gives one set of metrics per repetition. */
interface BenchWorkload {
    /** Short name for people, e.g. "W1" or "GEMM 1024". */
    String label();

    /** What is measured (model, input shape, batch, FLOP count ...), for the report. */
    Map<String, Object> config();

    WarmupPolicy.Result warmUp(WarmupPolicy policy);

    /** The calibrated window sizes every repetition uses. */
    Map<String, Object> windows();

    /** One repetition: metric key (as in the JSON report) to value. */
    Map<String, Double> repetition();
}
