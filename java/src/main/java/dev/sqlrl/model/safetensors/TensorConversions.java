package dev.sqlrl.model.safetensors;

import dev.sqlrl.UserInputException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Conversions between float arrays and the little-endian F32 / BF16 / F16 encodings of safetensors. */
public final class TensorConversions {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private TensorConversions() {}

    public static float[] toFloats(MemorySegment bytes, TensorDtype dtype, String what) {
        int n = Math.toIntExact(bytes.byteSize() / dtype.bytes());
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> MemorySegment.copy(bytes, F32, 0, out, 0, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((bytes.getAtIndex(U16, i) & 0xffff) << 16);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) out[i] = Float.float16ToFloat(bytes.getAtIndex(U16, i));
            }
            default -> throw new UserInputException(what + " has dtype " + dtype + ", expected F32, BF16 or F16");
        }
        return out;
    }

    /** Little-endian bytes of the values in dtype (F32 exact; BF16 rounded to nearest even; F16). */
    public static byte[] fromFloats(float[] values, TensorDtype dtype) {
        MemorySegment out = MemorySegment.ofArray(new byte[values.length * dtype.bytes()]);
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, 0, out, F32, 0, values.length);
            case BF16 -> {
                for (int i = 0; i < values.length; i++) out.setAtIndex(U16, i, toBf16(values[i]));
            }
            case F16 -> {
                for (int i = 0; i < values.length; i++) out.setAtIndex(U16, i, Float.floatToFloat16(values[i]));
            }
            default -> throw new IllegalArgumentException("cannot encode floats as " + dtype);
        }
        return (byte[]) out.heapBase().orElseThrow();
    }

    static short toBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x40);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
