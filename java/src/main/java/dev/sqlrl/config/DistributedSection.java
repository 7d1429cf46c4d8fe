package dev.sqlrl.config;

import dev.sqlrl.model.Device;

/** How the ranks of a data-parallel run (torchrun, or `sqlrl train --nproc-per-node N`) join and talk; unused by one process. */
public record DistributedSection(
        @Key(value = "Collective backend: auto is gloo for model.device cpu and nccl for cuda.", defaultValue = "auto",
                why = "NCCL reduces GPU tensors without a copy to the host; Gloo is the one that runs on the CPU. gloo on "
                        + "cuda works (slower) where NCCL cannot reach the other GPUs.")
                DistributedBackend backend,
        @Key(value = "Seconds the rendezvous waits for all ranks to join, and after which a rank that died (or stopped "
                + "answering) is reported by the others instead of leaving them waiting.", defaultValue = "600", min = 1,
                why = "Long enough for every rank to load the model and for the slowest rank's step (evaluation and "
                        + "checkpoints included); a shorter one reports a dead rank sooner but may stop a slow healthy run.")
                int timeoutSeconds) {

    public static DistributedSection defaults() {
        return KeyDefaults.of(DistributedSection.class);
    }

    /** The backend for a model on {@code device}, auto resolved. */
    public DistributedBackend backendFor(Device device) {
        return backend.resolve(device);
    }
}
