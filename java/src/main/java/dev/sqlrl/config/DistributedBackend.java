package dev.sqlrl.config;

import dev.sqlrl.model.Device;

/** distributed.backend: the collective library the ranks of a data-parallel run talk through. */
public enum DistributedBackend {
    /** Gloo for a model on the CPU, NCCL for one on CUDA. */
    AUTO,
    /** TCP between host processes; works everywhere, slow for GPU tensors. */
    GLOO,
    /** GPU to GPU (NVLink, InfiniBand); CUDA only. */
    NCCL;

    /** The backend to use for a model on {@code device}: this one, or auto's choice for the device. */
    public DistributedBackend resolve(Device device) {
        if (this != AUTO) return this;
        return device == Device.CUDA ? NCCL : GLOO;
    }
}
