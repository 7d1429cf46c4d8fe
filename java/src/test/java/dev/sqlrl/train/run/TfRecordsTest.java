package dev.sqlrl.train.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The framing against bytes TensorFlow wrote: the vectors are those of TensorBoard's own reader tests
 * (tensorboard/data/server/tf_record.rs and masked_crc.rs, taken from real event files).
 */
class TfRecordsTest {
    static final HexFormat HEX = HexFormat.of();

    /** Event{wall_time, file_version: "brain.Event:2"}, the first record of a TF 2 event file. */
    static final byte[] FILE_VERSION_EVENT = HEX.parseHex("0900008038 99d6d741 1a0d".replace(" ", "")
            + HEX.formatHex("brain.Event:2".getBytes(StandardCharsets.US_ASCII)));

    @Test
    void maskedCrcMatchesTensorFlow() {
        byte[] data = ("\u001a\u0011CRC test, one two").getBytes(StandardCharsets.US_ASCII);
        assertEquals(0x5794d08a, TfRecords.maskedCrc32c(data, 0, data.length));
        // RFC 3720's CRC32C of 32 zero bytes is 0x8a9136aa; masked as TensorFlow masks it
        int crc = 0x8a9136aa;
        assertEquals(((crc >>> 15) | (crc << 17)) + 0xa282ead8, TfRecords.maskedCrc32c(new byte[32], 0, 32));
    }

    @Test
    void framedRecordEqualsTensorFlowsBytes() {
        assertEquals(24, FILE_VERSION_EVENT.length);
        byte[] expected = HEX.parseHex("1800000000000000" + "a37f4b22" + HEX.formatHex(FILE_VERSION_EVENT) + "124b36ab");
        assertArrayEquals(expected, TfRecords.frame(FILE_VERSION_EVENT));
    }

    @Test
    void emptyRecordHasOnlyTheOverhead() {
        assertEquals(TfRecords.OVERHEAD, TfRecords.frame(new byte[0]).length);
    }
}
