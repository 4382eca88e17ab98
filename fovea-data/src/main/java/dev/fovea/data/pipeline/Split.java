package dev.fovea.data.pipeline;

import dev.fovea.FoveaException;
import dev.fovea.nn.RandomKeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded split of labelled examples into training and validation indices, both ascending.
 *
 * <p>Stratified (the default): each class c with n_c examples gives round(n_c x fraction) of them
 * to validation, at most n_c - 1 so every class keeps a training example; which ones is decided by
 * shuffling that class's examples with a generator seeded by (seed, c). Class proportions are
 * then the same in both parts, within one example per class.
 *
 * <p>Plain: all examples are shuffled with the seed and the last round(N x fraction) go to
 * validation, as Keras's {@code validation_split} does.
 *
 * <p>The same seed, labels and fraction always give the same split, whatever the training seed.
 */
public record Split(int[] train, int[] validation) {
    public static Split of(int[] labels, double fraction, long seed, boolean stratified) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new FoveaException("validation split must be in [0, 1), got " + fraction);
        }
        int n = labels.length;
        boolean[] toValidation = new boolean[n];
        if (stratified) {
            int classes = 0;
            for (int y : labels) classes = Math.max(classes, y + 1);
            List<int[]> byClass = new ArrayList<>();
            int[] counts = new int[classes];
            for (int y : labels) counts[y]++;
            for (int c = 0; c < classes; c++) byClass.add(new int[counts[c]]);
            int[] fill = new int[classes];
            for (int i = 0; i < n; i++) byClass.get(labels[i])[fill[labels[i]]++] = i;
            for (int c = 0; c < classes; c++) {
                int[] members = byClass.get(c);
                int v = Math.min((int) Math.round(members.length * fraction), Math.max(0, members.length - 1));
                shuffle(members, new SplittableRandom(RandomKeys.child(seed, c)));
                for (int k = 0; k < v; k++) toValidation[members[k]] = true;
            }
        } else {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) all[i] = i;
            shuffle(all, new SplittableRandom(seed));
            int v = (int) Math.round(n * fraction);
            for (int k = n - v; k < n; k++) toValidation[all[k]] = true;
        }
        int v = 0;
        for (boolean b : toValidation) if (b) v++;
        int[] train = new int[n - v], validation = new int[v];
        for (int i = 0, t = 0, w = 0; i < n; i++) {
            if (toValidation[i]) validation[w++] = i;
            else train[t++] = i;
        }
        return new Split(train, validation);
    }

    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override public int[] train() { return train.clone(); }
    @Override public int[] validation() { return validation.clone(); }

    @Override public boolean equals(Object o) {
        return o instanceof Split s && Arrays.equals(train, s.train) && Arrays.equals(validation, s.validation);
    }

    @Override public int hashCode() { return 31 * Arrays.hashCode(train) + Arrays.hashCode(validation); }

    @Override public String toString() { return "Split[" + train.length + " training, " + validation.length + " validation]"; }
}
