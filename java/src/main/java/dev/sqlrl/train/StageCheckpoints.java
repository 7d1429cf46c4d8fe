package dev.sqlrl.train;

import dev.sqlrl.train.run.CheckpointStore;
import dev.sqlrl.train.run.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a training checkpoint holds and how it is restored: the adapters (PEFT folder "adapter"), the
 * AdamW moments, the {@link TrainingState} and the run's resolved config. Atomicity and retention are
 * the {@link CheckpointStore}'s.
 */
public final class StageCheckpoints {
    public static final String ADAPTER_DIR = "adapter";
    public static final String CONFIG_FILE = "config.yaml";

    private final CheckpointStore store;
    private final Policy policy;
    private final AdamWOptimizer optimizer;
    private final Path resolvedConfig;

    public StageCheckpoints(CheckpointStore store, Policy policy, AdamWOptimizer optimizer, Path resolvedConfig) {
        this.store = store;
        this.policy = policy;
        this.optimizer = optimizer;
        this.resolvedConfig = resolvedConfig;
    }

    /** Saves the current adapters, optimizer and state; {@code score} marks it for best-checkpoint retention. */
    public Path save(TrainingState state, OptionalDouble score) {
        return store.save(state.step(), dir -> {
            policy.saveAdapters(dir.resolve(ADAPTER_DIR));
            optimizer.save(dir.resolve(AdamWOptimizer.STATE_FILE));
            state.write(dir.resolve(TrainingState.FILE));
            Files.copy(resolvedConfig, dir.resolve(CONFIG_FILE));
        }, score);
    }

    /** Loads the newest complete checkpoint into the policy and optimizer; empty when there is none. */
    public Optional<TrainingState> restoreLatest() {
        Optional<Checkpoint> latest = store.latest();
        latest.ifPresent(this::restore);
        return latest.map(c -> TrainingState.read(c.dir().resolve(TrainingState.FILE)));
    }

    private void restore(Checkpoint checkpoint) {
        policy.loadAdapters(checkpoint.dir().resolve(ADAPTER_DIR));
        optimizer.load(checkpoint.dir().resolve(AdamWOptimizer.STATE_FILE));
    }

    /** The adapter folder of the best-scoring checkpoint, else of the newest. */
    public Optional<Path> bestAdapter() {
        return store.best().or(store::latest).map(c -> c.dir().resolve(ADAPTER_DIR));
    }
}
