package dev.fovea.cli;

/**
 * When a benchmark has warmed up: rounds of the measured work are repeated until the JIT has
 * settled, judged by the last two rounds agreeing within {@code tolerance} (relative) on every
 * metric, after at least {@code minRounds} rounds and {@code minSeconds}; a noisy machine stops
 * it at {@code maxSeconds}, and the result says it was not stable. Even then it runs
 * {@code minRounds} rounds: the first round of a cold JVM (Vector API code still interpreted) can
 * take longer than the limit, and window sizes calibrated from it alone would be far too small.
 */
public record WarmupPolicy(double minSeconds, double maxSeconds, double tolerance, int minRounds) {
    /** 2 to 20 seconds, 5%, at least 3 rounds. */
    public static final WarmupPolicy DEFAULT = new WarmupPolicy(2, 20, 0.05, 3);

    public WarmupPolicy {
        if (!(minSeconds >= 0) || !(maxSeconds >= minSeconds)) {
            throw new IllegalArgumentException("warm-up needs 0 <= min seconds <= max seconds, got " + minSeconds + " and " + maxSeconds);
        }
        if (!(tolerance > 0)) throw new IllegalArgumentException("warm-up tolerance must be > 0, got " + tolerance);
        if (minRounds < 2) throw new IllegalArgumentException("warm-up needs at least 2 rounds to compare, got " + minRounds);
    }

    /** One round of the work being warmed up; returns its metrics (any positive values). */
    @FunctionalInterface
    public interface Round {
        double[] run();
    }

    /** How the warm-up went. */
    public record Result(int rounds, double seconds, boolean stable) {}

    public Result run(Round round) {
        long start = System.nanoTime();
        double[] previous = null;
        int rounds = 0;
        while (true) {
            double[] current = round.run();
            rounds++;
            double seconds = (System.nanoTime() - start) / 1e9;
            boolean stable = previous != null && agree(previous, current);
            if (stable && rounds >= minRounds && seconds >= minSeconds) return new Result(rounds, seconds, true);
            if (seconds >= maxSeconds && rounds >= minRounds) return new Result(rounds, seconds, false);
            previous = current;
        }
    }

    private boolean agree(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            double scale = Math.max(Math.abs(a[i]), Math.abs(b[i]));
            if (scale > 0 && Math.abs(a[i] - b[i]) > tolerance * scale) return false;
        }
        return true;
    }
}
