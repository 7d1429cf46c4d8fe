package dev.sqlrl.model.bnb;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.UserInputException;
import dev.sqlrl.bindings.SqlrlNative;
import dev.sqlrl.model.NativeModel;
import dev.sqlrl.model.safetensors.SafetensorsFile;
import dev.sqlrl.model.safetensors.TensorDtype;
import dev.sqlrl.model.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One weight of a bitsandbytes 4-bit checkpoint as stored (bitsandbytes' QuantState.as_dict(packed=True),
 * as transformers saves it): `W` uint8 codes [(n + 1) / 2, 1], two per byte with the first in the high nibble;
 * `W.absmax` fp32 per block, or with double quantization uint8 codes into `W.nested_quant_map` (bitsandbytes'
 * dynamic 8-bit map, 256 fp32) scaled by `W.nested_absmax` per nested block, plus the blob's nested_offset;
 * `W.quant_map` the 16 fp32 values of the 4-bit code; `W.quant_state.bitsandbytes__nf4` uint8 JSON bytes
 * {quant_type, blocksize, dtype, shape, [nested_blocksize, nested_dtype, nested_offset]}. The absmax values are
 * restored here (in native code, with the file's tables) to fp32, so the codes are used without re-quantizing.
 */
public record Bnb4bitWeight(String name, long[] shape, MemorySegment codes, float[] absmax, float[] codeBook,
                            int blockSize) {
    static final String QUANT_STATE = ".quant_state.bitsandbytes__";
    private static final List<String> AUXILIARY = List.of(".absmax", ".quant_map", ".nested_absmax",
            ".nested_quant_map", QUANT_STATE + "nf4", QUANT_STATE + "fp4");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether the file holds `weightName` 4-bit quantized (any quant state beside it). */
    public static boolean isQuantized(Map<String, SafetensorsFile> owner, String weightName) {
        return AUXILIARY.stream().anyMatch(suffix -> owner.containsKey(weightName + suffix));
    }

    /** Whether a tensor name is one of the quant-state tensors that sit beside a 4-bit weight. */
    public static boolean isAuxiliary(String tensorName) {
        return AUXILIARY.stream().anyMatch(tensorName::endsWith);
    }

    /**
     * Reads and checks the weight `name` whose dequantized shape must be `expectedShape`; codes stay in the file's
     * memory map (valid while the file is open). Every problem is one line naming the file and tensor.
     */
    public static Bnb4bitWeight read(Map<String, SafetensorsFile> owner, String name, long[] expectedShape) {
        SafetensorsFile file = owner.get(name);
        if (owner.containsKey(name + QUANT_STATE + "fp4")) {
            throw new UserInputException(file.path() + " tensor '" + name + "' is FP4-quantized; only NF4 is supported");
        }
        JsonNode state = quantState(owner, name, file);
        String where = file.path() + " tensor '" + name + QUANT_STATE + "nf4'";
        if (!state.path("quant_type").asText("").equals("nf4")) {
            throw new UserInputException(where + ": quant_type " + state.get("quant_type") + " is not nf4");
        }
        int blockSize = state.path("blocksize").asInt(0);
        if (blockSize != 64) throw new UserInputException(where + ": blocksize " + state.get("blocksize") + " is not 64");
        long[] shape = longs(state.path("shape"));
        if (!Arrays.equals(shape, expectedShape)) {
            throw new UserInputException(where + ": shape " + state.get("shape") + " but config.json implies "
                    + Arrays.toString(expectedShape));
        }
        long n = expectedShape[0] * expectedShape[1];
        long blocks = (n + blockSize - 1) / blockSize;
        TensorInfo codes = checked(owner, name, "", TensorDtype.U8, (n + 1) / 2);
        float[] codeBook = floats(owner, name, ".quant_map", 16);
        float[] absmax = state.has("nested_offset") ? nestedAbsmax(owner, name, state, blocks, where)
                : floats(owner, name, ".absmax", blocks);
        return new Bnb4bitWeight(name, shape, file.segment(codes.name()), absmax, codeBook, blockSize);
    }

    /** The fp32 values, dequantized with the file's own code table (the merge of an adapter into such a weight). */
    public float[] dequantize() {
        long n = shape[0] * shape[1];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT, n);
            NativeModel.check("sqlrl_bnb4_dequantize", SqlrlNative.bnb4Dequantize(codes, arena.allocateFrom(JAVA_FLOAT, absmax),
                    arena.allocateFrom(JAVA_FLOAT, codeBook), n, blockSize, out));
            return out.toArray(JAVA_FLOAT);
        }
    }

    private static JsonNode quantState(Map<String, SafetensorsFile> owner, String name, SafetensorsFile file) {
        String blobName = name + QUANT_STATE + "nf4";
        SafetensorsFile blobFile = owner.get(blobName);
        if (blobFile == null) throw new UserInputException(file.path() + " lacks tensor '" + blobName + "' (the 4-bit quant state of '" + name + "')");
        TensorInfo info = blobFile.info(blobName);
        if (info.dtype() != TensorDtype.U8) {
            throw new UserInputException(blobFile.path() + " tensor '" + blobName + "' has dtype " + info.dtype() + ", not U8");
        }
        byte[] bytes = blobFile.segment(blobName).toArray(JAVA_BYTE);
        try {
            JsonNode state = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
            if (state == null || !state.isObject()) throw new IOException("not a JSON object");
            return state;
        } catch (IOException e) {
            throw new UserInputException(blobFile.path() + " tensor '" + blobName + "' is not the JSON of a quant state: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private static float[] nestedAbsmax(Map<String, SafetensorsFile> owner, String name, JsonNode state, long blocks,
                                        String where) {
        int nestedBlock = state.path("nested_blocksize").asInt(0);
        if (nestedBlock <= 0) throw new UserInputException(where + ": nested_blocksize " + state.get("nested_blocksize") + " is not a positive integer");
        if (!state.get("nested_offset").isNumber()) throw new UserInputException(where + ": nested_offset " + state.get("nested_offset") + " is not a number");
        TensorInfo codes = checked(owner, name, ".absmax", TensorDtype.U8, blocks);
        float[] map = floats(owner, name, ".nested_quant_map", 256);
        float[] scales = floats(owner, name, ".nested_absmax", (blocks + nestedBlock - 1) / nestedBlock);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT, blocks);
            NativeModel.check("sqlrl_dynamic8_dequantize", SqlrlNative.dynamic8Dequantize(owner.get(codes.name()).segment(codes.name()),
                    blocks, nestedBlock, arena.allocateFrom(JAVA_FLOAT, map), arena.allocateFrom(JAVA_FLOAT, scales),
                    state.get("nested_offset").asDouble(), out));
            return out.toArray(JAVA_FLOAT);
        }
    }

    private static TensorInfo checked(Map<String, SafetensorsFile> owner, String name, String suffix, TensorDtype dtype,
                                      long count) {
        SafetensorsFile file = owner.get(name + suffix);
        if (file == null) {
            throw new UserInputException(owner.get(name).path() + " lacks tensor '" + name + suffix + "' (part of the 4-bit weight '" + name + "')");
        }
        TensorInfo info = file.info(name + suffix);
        if (info.dtype() != dtype || info.elementCount() != count) {
            throw new UserInputException(file.path() + " tensor '" + name + suffix + "' is " + info.dtype() + " "
                    + info.shapeString() + "; the 4-bit weight needs " + dtype + " with " + count + " values");
        }
        return info;
    }

    private static float[] floats(Map<String, SafetensorsFile> owner, String name, String suffix, long count) {
        TensorInfo info = checked(owner, name, suffix, TensorDtype.F32, count);
        return owner.get(name + suffix).floats(info.name());
    }

    private static long[] longs(JsonNode array) {
        if (!array.isArray()) return new long[0];
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) values[i] = array.get(i).asLong();
        return values;
    }
}
