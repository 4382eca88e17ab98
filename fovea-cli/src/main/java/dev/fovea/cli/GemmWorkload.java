package dev.fovea.cli;


import java.util.LinkedHashMap;
import java.util.Map;

/** GEMM n x n x n GFLOP/s (see {@link GemmBenchmark}). */
final class GemmWorkload implements BenchWorkload {
    private final GemmBenchmark bench;

    GemmWorkload(int n, double repSeconds, long seed) {
        this.bench = new GemmBenchmark(n, repSeconds, seed);
    }

    @Override public String label() { return "GEMM " + bench.n(); }

    @Override public Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("workload", "gemm");
        c.put("gemm_n", bench.n());
        c.put("flop_count", "2*n^3 per call: C(n,n) = A(n,n) B(n,n), row-major float32, beta 0");
        return c;
    }

    @Override public WarmupPolicy.Result warmUp(WarmupPolicy policy) { return bench.warmUp(policy); }

    @Override public Map<String, Object> windows() { return Map.of("gemm_calls", bench.calls()); }

    @Override public Map<String, Double> repetition() {
        double[] r = bench.repetition();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("gemm_gflops", r[0]);
        m.put("alloc_bytes_per_call", r[1]);
        return m;
    }
}
