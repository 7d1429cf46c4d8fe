package dev.sqlrl.model;

/** Whether generate holds the base weights dense while it samples (sqlrl_model_set_dense_sampling). */
public enum DenseSampling {
    OFF(0),
    ON(1),
    /** On CUDA, above the fused NF4 GEMV's 16 rows, when the dense copy fits in free memory with room to spare. */
    AUTO(2);

    final int code;

    DenseSampling(int code) {
        this.code = code;
    }
}
