package dev.fovea.nn;

/**
 * Counter-based randomness: a 64-bit key names a whole stream of draws, and draw j of key k is a
 * pure function of (k, j). Augmentation derives one key per example (from a batch draw of the
 * trainer's generator, or from (seed, epoch, example index) in a data pipeline) and reads its
 * parameters as draws 0, 1, 2, ...; so results do not depend on which thread handles which
 * example, and no generator object is made per example or per pixel.
 *
 * <p>The mixing function is the finaliser of SplitMix64 (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014), the generator behind {@link java.util.SplittableRandom};
 * keys step by its golden-ratio increment, so {@code child(k, 0), child(k, 1), ...} is exactly a
 * SplitMix64 stream seeded at k.
 */
public final class RandomKeys {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private RandomKeys() {}

    /** SplitMix64's output function: a bijection of 64-bit values that scatters nearby inputs. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The key of item {@code index} below {@code key} (an example of a batch, a transform of a chain). */
    public static long child(long key, long index) {
        return mix(key + GOLDEN * (index + 1));
    }

    /** Draw {@code j} of {@code key}, uniform in [0, 1) with 53 random bits. */
    public static double uniform(long key, int j) {
        return (child(key, j) >>> 11) * 0x1.0p-53;
    }

    /** Draw {@code j} of {@code key}, uniform in [lo, hi). */
    public static double uniform(long key, int j, double lo, double hi) {
        return lo + (hi - lo) * uniform(key, j);
    }
}
