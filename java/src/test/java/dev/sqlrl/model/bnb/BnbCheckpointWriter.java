package dev.sqlrl.model.bnb;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sqlrl.model.safetensors.SafetensorsWriter;
import dev.sqlrl.model.safetensors.TensorDtype;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes weights as a bitsandbytes 4-bit checkpoint, following bitsandbytes' code: quantize_4bit (blocks of 64,
 * absmax per block, nearest NF4 code, first element in the high nibble, packed [(n + 1) / 2, 1] uint8), with
 * compress_statistics the absmax minus their mean quantized by quantize_blockwise (blocks of 256, the dynamic map
 * of create_dynamic_map()), and QuantState.as_dict(packed=True) for the keys and the JSON blob. Also computes what
 * bitsandbytes' dequantize_4bit gives back: the reference the loader must reproduce.
 */
final class BnbCheckpointWriter {
    static final float[] NF4 = {-1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f, 0.07958029955625534f,
        0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f, 0.44070982933044434f, 0.5626170039176941f,
        0.7229568362236023f, 1.0f};
    static final float[] DYNAMIC_MAP = createDynamicMap();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One quantized weight: its tensors under bitsandbytes' names, and its dequantized values. */
    record Quantized(Map<String, Object[]> tensors, float[] roundTrip) {}

    private BnbCheckpointWriter() {}

    /** bitsandbytes' create_dynamic_map(signed=True, max_exponent_bits=7, total_bits=8). */
    static float[] createDynamicMap() {
        List<Double> data = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int fractionItems = (1 << i) + 1;
            for (int j = 0; j < fractionItems - 1; j++) {
                float a = linspace(0.1f, 1f, fractionItems, j), b = linspace(0.1f, 1f, fractionItems, j + 1);
                double mean = (float) ((a + b) / 2.0f);
                data.add(Math.pow(10, -6 + i) * mean);
                data.add(-Math.pow(10, -6 + i) * mean);
            }
        }
        data.add(0.0);
        data.add(1.0);
        double[] sorted = data.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        float[] map = new float[256];
        for (int i = 0; i < 256; i++) map[i] = (float) sorted[i];
        return map;
    }

    private static float linspace(float start, float end, int steps, int i) {
        return start + (end - start) / (steps - 1) * i;
    }

    /**
     * Quantizes w [rows, cols] as name; tensors map name -> {dtype, shape, bytes}. doubleQuant: compress_statistics.
     * blockSize / nestedBlockSize are written into the blob as given (bitsandbytes: 64 / 256).
     */
    static Quantized quantize(String name, float[] w, long rows, long cols, boolean doubleQuant, int nestedBlockSize) {
        int blockSize = 64;
        int n = w.length, blocks = (n + blockSize - 1) / blockSize;
        float[] absmax = new float[blocks];
        byte[] codes = new byte[(n + 1) / 2];
        int[] code = new int[n];
        for (int b = 0; b < blocks; b++) {
            for (int i = b * blockSize; i < Math.min(n, (b + 1) * blockSize); i++) absmax[b] = Math.max(absmax[b], Math.abs(w[i]));
            for (int i = b * blockSize; i < Math.min(n, (b + 1) * blockSize); i++) {
                code[i] = nearest(NF4, absmax[b] == 0 ? 0 : w[i] / absmax[b]);
            }
        }
        for (int i = 0; i < n; i += 2) codes[i / 2] = (byte) ((code[i] << 4) | (i + 1 < n ? code[i + 1] : 0));
        Map<String, Object[]> t = new LinkedHashMap<>();
        t.put(name, new Object[] {TensorDtype.U8, new long[] {codes.length, 1}, codes});
        float[] restoredAbsmax = absmax;
        ObjectNode blob = JSON.createObjectNode();
        blob.put("quant_type", "nf4");
        blob.put("blocksize", blockSize);
        blob.put("dtype", "bfloat16");
        blob.putArray("shape").add(rows).add(cols);
        if (doubleQuant) {
            float offset = mean(absmax);
            int nestedBlocks = (blocks + nestedBlockSize - 1) / nestedBlockSize;
            float[] scales = new float[nestedBlocks];
            byte[] q = new byte[blocks];
            restoredAbsmax = new float[blocks];
            for (int b = 0; b < nestedBlocks; b++) {
                int from = b * nestedBlockSize, to = Math.min(blocks, from + nestedBlockSize);
                for (int i = from; i < to; i++) scales[b] = Math.max(scales[b], Math.abs(absmax[i] - offset));
                for (int i = from; i < to; i++) {
                    int index = nearest(DYNAMIC_MAP, (absmax[i] - offset) / scales[b]);
                    q[i] = (byte) index;
                    restoredAbsmax[i] = DYNAMIC_MAP[index] * scales[b] + offset;  // dequantize_blockwise, then += offset
                }
            }
            t.put(name + ".absmax", new Object[] {TensorDtype.U8, new long[] {blocks}, q});
            t.put(name + ".quant_map", floats(NF4));
            t.put(name + ".nested_absmax", floats(scales));
            t.put(name + ".nested_quant_map", floats(DYNAMIC_MAP));
            blob.put("nested_blocksize", nestedBlockSize);
            blob.put("nested_dtype", "float32");
            blob.put("nested_offset", (double) offset);
        } else {
            t.put(name + ".absmax", floats(absmax));
            t.put(name + ".quant_map", floats(NF4));
        }
        // pack_dict_to_tensor: json.dumps(...).encode("utf-8") as a uint8 tensor
        byte[] json = blob.toString().getBytes(StandardCharsets.UTF_8);
        t.put(name + ".quant_state.bitsandbytes__nf4", new Object[] {TensorDtype.U8, new long[] {json.length}, json});
        float[] roundTrip = new float[n];
        for (int i = 0; i < n; i++) roundTrip[i] = NF4[code[i]] * restoredAbsmax[i / blockSize];
        return new Quantized(t, roundTrip);
    }

    static void add(SafetensorsWriter writer, Map<String, Object[]> tensors) {
        for (Map.Entry<String, Object[]> e : tensors.entrySet()) {
            Object[] v = e.getValue();
            writer.add(e.getKey(), (TensorDtype) v[0], (long[]) v[1], (byte[]) v[2]);
        }
    }

    static Object[] floats(float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return new Object[] {TensorDtype.F32, new long[] {values.length}, b.array()};
    }

    private static float mean(float[] values) {
        double sum = 0;
        for (float v : values) sum += v;
        return (float) (sum / values.length);
    }

    private static int nearest(float[] table, float x) {
        int best = 0;
        for (int i = 1; i < table.length; i++) if (Math.abs(table[i] - x) < Math.abs(table[best] - x)) best = i;
        return best;
    }

    static boolean isDecoderLinear(String name) {
        return name.startsWith("model.layers.") && name.endsWith("_proj.weight");
    }
}
