package dev.fovea.ops;

import java.util.Arrays;

/**
 * Bias gradients: the sum over rows of a (M, F) matrix, accumulated into (F). Rows are summed in
 * blocks into a scratch row first so float error grows with the block, not with M (M is N*OH*OW,
 * tens of thousands).
 */
final class ColumnSums {
    private static final int BLOCK = 256;
    private float[] partial = new float[0];   // (F) scratch, kept across calls

    /** sums (cols) = Σ rows of matrix (rows, cols), overwriting sums. */
    void set(float[] sums, float[] matrix, int rows, int cols) {
        Arrays.fill(sums, 0, cols, 0f);
        accumulate(sums, matrix, rows, cols);
    }

    void accumulate(float[] sums, float[] matrix, int rows, int cols) {
        if (partial.length < cols) partial = new float[cols];
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            Arrays.fill(partial, 0, cols, 0f);
            int r1 = Math.min(rows, r0 + BLOCK);
            for (int r = r0; r < r1; r++) {
                int base = r * cols;
                for (int j = 0; j < cols; j++) partial[j] += matrix[base + j];
            }
            for (int j = 0; j < cols; j++) sums[j] += partial[j];
        }
    }
}
