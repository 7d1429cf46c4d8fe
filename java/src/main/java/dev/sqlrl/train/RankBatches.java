package dev.sqlrl.train;

import dev.sqlrl.generation.BatchRunner;
import dev.sqlrl.model.Completion;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Generation batches split over data-parallel ranks: each rank runs a contiguous block of the batches, then every
 * rank receives every batch's completions (tokens and log-probs), so that all of them score the same answers and
 * reach the same EX. An evaluation then takes about 1 / ranks of its generation time.
 */
public final class RankBatches {
    private RankBatches() {}

    public static BatchRunner of(DataParallel ranks) {
        if (ranks.worldSize() == 1) return BatchRunner.LOCAL;
        return (batches, generate) -> {
            int[] mine = ranks.share(batches);
            List<List<Completion>> own = new ArrayList<>();
            for (int b = mine[0]; b < mine[1]; b++) own.add(generate.apply(b));
            List<List<Completion>> all = new ArrayList<>(batches);
            for (byte[] block : ranks.gather(encode(own))) all.addAll(decode(block));
            if (all.size() != batches) {
                throw new IllegalStateException("the ranks returned " + all.size() + " generation batches of " + batches);
            }
            return all;
        };
    }

    static byte[] encode(List<List<Completion>> batches) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(batches.size());
            for (List<Completion> batch : batches) {
                out.writeInt(batch.size());
                for (Completion c : batch) {
                    out.writeInt(c.tokens().length);
                    for (int t : c.tokens()) out.writeInt(t);
                    for (float lp : c.logprobs()) out.writeFloat(lp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static List<List<Completion>> decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            List<List<Completion>> batches = new ArrayList<>(count);
            for (int b = 0; b < count; b++) {
                int rows = in.readInt();
                List<Completion> batch = new ArrayList<>(rows);
                for (int r = 0; r < rows; r++) {
                    int[] tokens = new int[in.readInt()];
                    for (int t = 0; t < tokens.length; t++) tokens[t] = in.readInt();
                    float[] logprobs = new float[tokens.length];
                    for (int t = 0; t < logprobs.length; t++) logprobs[t] = in.readFloat();
                    batch.add(new Completion(tokens, logprobs));
                }
                batches.add(batch);
            }
            return batches;
        } catch (IOException e) {
            throw new UncheckedIOException("a rank sent generation batches this rank cannot read", e);
        }
    }
}
