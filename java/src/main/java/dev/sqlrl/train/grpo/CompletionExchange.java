package dev.sqlrl.train.grpo;

import dev.sqlrl.reward.ExecutionOutcome;
import dev.sqlrl.reward.RewardBreakdown;
import dev.sqlrl.reward.RewardComponent;
import dev.sqlrl.train.DataParallel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Sampling split over data-parallel ranks: each rank samples and rewards a contiguous block of a round's prompts
 * (a group never splits), then every rank receives every completion, in prompt order, so that all of them compute
 * the same advantages and split the same updates. With one process it is the sampling itself.
 *
 * <p>Completions travel as bytes (Java's DataOutput; no schema to keep because both ends are this class):
 * per completion its prompt's index in the round, tokens, log-probs, text, truncation and reward breakdown.
 */
final class CompletionExchange {
    /** Samples and rewards some of a round's prompts; completions group by group. */
    @FunctionalInterface
    interface Sampler {
        List<SampledCompletion> sampleAndReward(List<GrpoPrompt> prompts, int firstPromptIndex);
    }

    private CompletionExchange() {}

    /** Every completion of {@code prompts} on every rank, each rank having sampled its block. */
    static List<SampledCompletion> sampleShared(DataParallel ranks, List<GrpoPrompt> prompts, Sampler sampler) {
        int[] mine = ranks.share(prompts.size());
        List<SampledCompletion> own = mine[1] > mine[0]
                ? sampler.sampleAndReward(prompts.subList(mine[0], mine[1]), mine[0]) : List.of();
        if (ranks.worldSize() == 1) return own;
        List<SampledCompletion> all = new ArrayList<>();
        for (byte[] block : ranks.gather(encode(own, prompts))) all.addAll(decode(block, prompts));
        return all;
    }

    static byte[] encode(List<SampledCompletion> completions, List<GrpoPrompt> prompts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(completions.size());
            for (SampledCompletion c : completions) {
                out.writeInt(indexOf(prompts, c.prompt()));
                out.writeInt(c.tokens().length);
                for (int t : c.tokens()) out.writeInt(t);
                for (float lp : c.logprobs()) out.writeFloat(lp);
                writeString(out, c.text());
                out.writeBoolean(c.truncated());
                RewardBreakdown r = c.reward();
                out.writeDouble(r.total());
                out.writeInt(r.components().size());
                for (Map.Entry<RewardComponent, Double> e : r.components().entrySet()) {
                    out.writeInt(e.getKey().ordinal());
                    out.writeDouble(e.getValue());
                }
                writeString(out, r.sql());
                out.writeInt(r.outcome().ordinal());
                writeString(out, r.detail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);  // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    static List<SampledCompletion> decode(byte[] bytes, List<GrpoPrompt> prompts) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int count = in.readInt();
            List<SampledCompletion> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                GrpoPrompt prompt = prompts.get(in.readInt());
                int[] tokens = new int[in.readInt()];
                for (int t = 0; t < tokens.length; t++) tokens[t] = in.readInt();
                float[] logprobs = new float[tokens.length];
                for (int t = 0; t < logprobs.length; t++) logprobs[t] = in.readFloat();
                String text = readString(in);
                boolean truncated = in.readBoolean();
                double total = in.readDouble();
                Map<RewardComponent, Double> components = new EnumMap<>(RewardComponent.class);
                int n = in.readInt();
                for (int k = 0; k < n; k++) components.put(RewardComponent.values()[in.readInt()], in.readDouble());
                String sql = readString(in);
                ExecutionOutcome outcome = ExecutionOutcome.values()[in.readInt()];
                String detail = readString(in);
                out.add(new SampledCompletion(prompt, tokens, logprobs, text, truncated,
                        new RewardBreakdown(total, components, sql, outcome, detail)));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("a rank sent completions this rank cannot read", e);
        }
    }

    private static int indexOf(List<GrpoPrompt> prompts, GrpoPrompt prompt) {
        for (int i = 0; i < prompts.size(); i++) if (prompts.get(i) == prompt) return i;
        throw new IllegalArgumentException("a completion answers a prompt outside the round");
    }

    // writeUTF stops at 64 KiB; a completion's text or a sandbox message may be longer.
    private static void writeString(DataOutputStream out, String value) throws IOException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) return null;
        return new String(in.readNBytes(length), java.nio.charset.StandardCharsets.UTF_8);
    }
}
