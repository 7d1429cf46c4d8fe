package dev.sqlrl.model.safetensors;

import java.util.Arrays;

/** One tensor's entry in a safetensors header: dtype, shape and byte range within the data section. */
public record TensorInfo(String name, TensorDtype dtype, long[] shape, long begin, long end) {
    public long elementCount() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    public long byteSize() {
        return end - begin;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }
}
