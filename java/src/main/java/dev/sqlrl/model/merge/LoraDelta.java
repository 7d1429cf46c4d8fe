package dev.sqlrl.model.merge;

import java.util.stream.IntStream;

/**
 * Folds a LoRA adapter into its base weight: W' = W + scale * B @ A, in float.
 *
 * <p>Done in Java rather than by the native library: merging is an offline, one-off step that
 * needs no model on a device, and with the rank small (r of 8 to 64) the product costs
 * r multiply-adds per weight, a fraction of the time spent reading and writing the checkpoint.
 * Rows are independent, so they are computed in parallel.
 */
public final class LoraDelta {
    private LoraDelta() {}

    /**
     * Adds scale * B @ A to {@code weight} in place.
     *
     * @param weight [rows, cols] row-major
     * @param a      lora_A, [rank, cols] row-major
     * @param b      lora_B, [rows, rank] row-major
     */
    public static void addTo(float[] weight, int rows, int cols, float[] a, float[] b, int rank, float scale) {
        if ((long) rows * cols != weight.length || (long) rank * cols != a.length || (long) rows * rank != b.length) {
            throw new IllegalArgumentException("shapes do not agree: weight " + weight.length + " values for [" + rows
                    + ", " + cols + "], A " + a.length + " for [" + rank + ", " + cols + "], B " + b.length
                    + " for [" + rows + ", " + rank + "]");
        }
        IntStream.range(0, rows).parallel().forEach(row -> {
            float[] delta = new float[cols];
            for (int k = 0; k < rank; k++) {
                float coefficient = b[row * rank + k];
                if (coefficient == 0f) continue;
                int aRow = k * cols;
                for (int col = 0; col < cols; col++) delta[col] += coefficient * a[aRow + col];
            }
            int offset = row * cols;
            for (int col = 0; col < cols; col++) weight[offset + col] += scale * delta[col];
        });
    }
}
