package dev.sqlrl.serve;

import dev.sqlrl.model.Completion;
import java.util.List;

/**
 * What the batcher answers one request with.
 *
 * @param completions   the request's params.numSamples() completions
 * @param batchPrompts  how many prompts shared the generate call
 * @param queueNanos    time from submission until its batch started
 * @param generateNanos time of the generate call
 */
public record BatchedCompletions(List<Completion> completions, int batchPrompts, long queueNanos, long generateNanos) {
    public BatchedCompletions {
        completions = List.copyOf(completions);
    }
}
