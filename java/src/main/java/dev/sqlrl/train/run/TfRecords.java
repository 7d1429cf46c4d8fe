package dev.sqlrl.train.run;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard event files: each record is its length (uint64, little
 * endian), the masked CRC32C of those 8 bytes, the data, and the masked CRC32C of the data. Hand-written
 * because it is these few lines over the JDK's CRC32C and no maintained Java library offers it without
 * TensorFlow itself.
 */
public final class TfRecords {
    /** Bytes around the data: length, its CRC, and the data's CRC. */
    public static final int OVERHEAD = Long.BYTES + 2 * Integer.BYTES;

    private static final int MASK_DELTA = 0xa282ead8;

    private TfRecords() {}

    /** One record holding {@code data}, ready to be appended to a file. */
    public static byte[] frame(byte[] data) {
        ByteBuffer record = ByteBuffer.allocate(OVERHEAD + data.length).order(ByteOrder.LITTLE_ENDIAN);
        record.putLong(data.length);
        record.putInt(maskedCrc32c(record.array(), 0, Long.BYTES));
        record.put(data);
        record.putInt(maskedCrc32c(data, 0, data.length));
        return record.array();
    }

    /**
     * TensorFlow's masked CRC32C (Castagnoli): rotated right by 15 bits plus a constant, so that the CRC of
     * data that holds CRCs stays strong.
     */
    public static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int value = (int) crc.getValue();
        return ((value >>> 15) | (value << 17)) + MASK_DELTA;
    }
}
