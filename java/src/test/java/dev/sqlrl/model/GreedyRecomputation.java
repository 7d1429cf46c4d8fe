package dev.sqlrl.model;

import java.util.Arrays;

/** Greedy decoding without a KV cache: the whole sequence is recomputed for every new token (the oracle of decoding). */
public final class GreedyRecomputation {
    private GreedyRecomputation() {}

    public static int[] greedy(NativeModel model, int[] prompt, int n, boolean useAdapters) {
        int vocab = model.config().vocabSize();
        int[] seq = Arrays.copyOf(prompt, prompt.length + n);
        for (int step = 0; step < n; step++) {
            int len = prompt.length + step;
            float[] logits = model.logits(new int[][] {Arrays.copyOf(seq, len)}, useAdapters)[0];
            int best = 0;
            for (int v = 1; v < vocab; v++) if (logits[(len - 1) * vocab + v] > logits[(len - 1) * vocab + best]) best = v;
            seq[len] = best;
        }
        return Arrays.copyOfRange(seq, prompt.length, seq.length);
    }
}
