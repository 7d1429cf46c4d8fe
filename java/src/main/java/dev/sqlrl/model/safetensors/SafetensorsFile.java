package dev.sqlrl.model.safetensors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sqlrl.UserInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A safetensors file mapped into memory: tensors are slices of the mapping, handed to native code
 * without a copy. Every header field is validated so that a corrupt file fails here, naming the
 * file and tensor, rather than as a crash in native code.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, Arena arena, MemorySegment data, Map<String, TensorInfo> tensors,
                            Map<String, String> metadata) {
        this.path = path;
        this.arena = arena;
        this.data = data;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) throw corrupt(path, "file is " + size + " bytes, shorter than the 8-byte header length");
            MemorySegment whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = whole.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || headerLength > size - 8) {
                throw corrupt(path, "header length " + headerLength + " does not fit a file of " + size + " bytes");
            }
            byte[] headerBytes = whole.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
            MemorySegment data = whole.asSlice(8 + headerLength);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, new String(headerBytes, StandardCharsets.UTF_8),
                    data.byteSize(), metadata);
            return new SafetensorsFile(path, arena, data, Collections.unmodifiableMap(tensors),
                    Collections.unmodifiableMap(metadata));
        } catch (NoSuchFileException e) {
            arena.close();
            throw new UserInputException("missing file: " + path);
        } catch (IOException e) {
            arena.close();
            throw new UserInputException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, String header, long dataBytes,
                                                       Map<String, String> metadata) {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            throw corrupt(path, "header is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isObject()) throw corrupt(path, "header is not a JSON object");
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) throw corrupt(path, "__metadata__ is not an object");
                v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            tensors.put(name, parseTensor(path, name, v, dataBytes));
        }
        return tensors;
    }

    private static TensorInfo parseTensor(Path path, String name, JsonNode v, long dataBytes) {
        String where = "tensor '" + name + "'";
        if (!v.isObject()) throw corrupt(path, where + " is not an object");
        TensorDtype dtype = TensorDtype.parse(v.path("dtype").asText(""));
        if (dtype == null) throw corrupt(path, where + " has unknown dtype '" + v.path("dtype").asText() + "'");
        JsonNode shapeNode = v.path("shape");
        JsonNode offsets = v.path("data_offsets");
        if (!shapeNode.isArray()) throw corrupt(path, where + " has no shape array");
        if (!offsets.isArray() || offsets.size() != 2) throw corrupt(path, where + " has no [begin, end] data_offsets");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!shapeNode.get(i).canConvertToLong() || shapeNode.get(i).asLong() < 0) {
                throw corrupt(path, where + " has an invalid dimension " + shapeNode.get(i));
            }
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1);
        long end = offsets.get(1).asLong(-1);
        if (begin < 0 || end < begin || end > dataBytes) {
            throw corrupt(path, where + " data_offsets [" + begin + ", " + end + "] lie outside the "
                    + dataBytes + "-byte data section");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        long expected;
        try {
            expected = Math.multiplyExact(info.elementCount(), dtype.bytes());
        } catch (ArithmeticException ex) {
            throw corrupt(path, where + " shape " + info.shapeString() + " overflows");
        }
        if (expected != end - begin) {
            throw corrupt(path, where + " holds " + (end - begin) + " bytes but " + dtype + info.shapeString()
                    + " needs " + expected);
        }
        return info;
    }

    private static UserInputException corrupt(Path path, String why) {
        return new UserInputException("corrupt safetensors file " + path + ": " + why);
    }

    public Path path() {
        return path;
    }

    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) throw new UserInputException("tensor '" + name + "' is missing from " + path);
        return info;
    }

    /** The tensor's bytes, a slice of the mapping (valid until close). */
    public MemorySegment segment(String name) {
        TensorInfo info = info(name);
        return data.asSlice(info.begin(), info.byteSize());
    }

    /** The tensor converted to floats (F32, BF16 or F16 in the file). */
    public float[] floats(String name) {
        TensorInfo info = info(name);
        return TensorConversions.toFloats(segment(name), info.dtype(), path + " tensor '" + name + "'");
    }

    @Override
    public void close() {
        arena.close();
    }
}
