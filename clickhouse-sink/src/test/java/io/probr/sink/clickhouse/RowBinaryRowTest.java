package io.probr.sink.clickhouse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RowBinaryRowTest {
    private static final String STATUS = "Enum8('success' = 1, 'failure' = 2, 'timeout' = 3, 'exception' = 4)";

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private RowBinaryRow row(Column... columns) {
        return new RowBinaryRow(out, "t", List.of(columns));
    }

    /**
     * The bytes ClickHouse 18.16 gives itself for {@code SELECT toUUID('00112233-4455-6677-8899-aabbccddeeff'),
     * toUInt16(258), CAST(NULL AS Nullable(UInt32)), CAST(5 AS Nullable(UInt32)), ['ab','c'],
     * CAST('failure' AS Enum8(...)) FORMAT RowBinary}.
     */
    @Test
    void writesWhatClickHouseWritesForTheSameValues() throws IOException {
        RowBinaryRow row = row(Column.of("id", "UUID"), Column.of("index", "UInt16"),
                Column.of("absent", "Nullable(UInt32)"), Column.of("present", "Nullable(UInt32)"),
                Column.of("names", "Array(String)"), Column.of("status", STATUS));
        row.uuid(UUID.fromString("00112233-4455-6677-8899-aabbccddeeff")).number(258).nullableNumber(null)
                .nullableNumber(5L).strings(List.of("ab", "c")).enumValue("failure");
        row.end();
        row.flush();
        assertEquals("7766554433221100ffeeddccbbaa9988" + "0201" + "01" + "0005000000" + "020261620163" + "02", hex());
    }

    @Test
    void integersTakeTheirColumnsWidthLittleEndian() throws IOException {
        RowBinaryRow row = row(Column.of("a", "UInt8"), Column.of("b", "UInt8"), Column.of("c", "UInt32"),
                Column.of("d", "UInt64"), Column.of("e", "Array(UInt64)"));
        row.flag(true).number(255).number(4_294_967_295L).number(Long.MAX_VALUE).numbers(List.of(1L, 256L));
        row.end();
        row.flush();
        assertEquals("01" + "ff" + "ffffffff" + "ffffffffffffff7f" + "02" + "0100000000000000" + "0001000000000000", hex());
    }

    @Test
    void stringsAreUtf8BehindALeb128Length() throws IOException {
        String longer = "é".repeat(100); // 200 bytes: a two-byte length
        RowBinaryRow row = row(Column.of("a", "String"), Column.of("b", "String"), Column.of("c", "String"));
        row.string("").string("a\t'\n").string(longer);
        row.end();
        row.flush();
        assertEquals("00" + "046109270a" + "c801" + "c3a9".repeat(100), hex());
    }

    @Test
    void aStringLargerThanTheBufferIsWrittenWhole() throws IOException {
        String large = "x".repeat(200_000);
        RowBinaryRow row = row(Column.of("a", "UInt8"), Column.of("s", "String"), Column.of("b", "UInt8"));
        row.flag(true).string(large).flag(false);
        row.end();
        row.flush();
        byte[] bytes = out.toByteArray();
        assertEquals(1 + 3 + 200_000 + 1, bytes.length);
        assertArrayEquals(new byte[] {1, (byte) 0xC0, (byte) 0x9A, 0x0C, 'x'}, java.util.Arrays.copyOf(bytes, 5));
        assertEquals(0, bytes[bytes.length - 1]);
    }

    @Test
    void aValueOfAnotherTypeOrOutOfRangeIsABug() {
        assertThrows(IllegalStateException.class, () -> row(Column.of("a", "UInt16")).string("x"));
        assertThrows(IllegalStateException.class, () -> row(Column.of("a", "String")).number(1));
        assertThrows(IllegalStateException.class, () -> row(Column.of("a", STATUS)).number(1));
        assertThrows(IllegalArgumentException.class, () -> row(Column.of("a", "UInt16")).number(65_536));
        assertThrows(IllegalArgumentException.class, () -> row(Column.of("a", "UInt64")).number(-1));
        assertThrows(IllegalArgumentException.class, () -> row(Column.of("a", STATUS)).enumValue("ok"));
        assertThrows(IllegalArgumentException.class, () -> Column.of("a", "Float64"));
    }

    @Test
    void aRowMustHaveEveryColumnAndNoMore() throws IOException {
        RowBinaryRow row = row(Column.of("a", "UInt8"), Column.of("b", "UInt8"));
        row.flag(true);
        assertThrows(IllegalStateException.class, row::end);
        row.flag(false);
        assertThrows(IllegalStateException.class, () -> row.flag(true));
    }

    private String hex() {
        return HexFormat.of().formatHex(out.toByteArray());
    }
}
