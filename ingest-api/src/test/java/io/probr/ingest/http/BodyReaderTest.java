package io.probr.ingest.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
    private static final int LIMIT = 1024;
    private final BodyReader reader = new BodyReader(LIMIT);

    static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void readsABodyAtTheLimit() {
        byte[] body = new byte[LIMIT];
        assertArrayEquals(body, reader.read(null, LIMIT, new ByteArrayInputStream(body)));
    }

    @Test
    void refusesAHugeDeclaredLengthWithoutReading() {
        InputStream neverRead = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("body read although Content-Length was far too large");
            }
        };
        ApiError e = assertThrows(ApiError.class,
                () -> reader.read(null, (long) LIMIT * BodyReader.DRAIN_FACTOR + 1, neverRead));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
    }

    @Test
    void readsAndDropsAModestlyOversizedBodyBeforeRefusingIt() {
        ByteArrayInputStream body = new ByteArrayInputStream(new byte[LIMIT * 3]);
        ApiError e = assertThrows(ApiError.class, () -> reader.read(null, LIMIT * 3, body));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
        assertEquals(0, body.available(), "the connection can close without unread bytes");
    }

    @Test
    void stopsReadingAnUndeclaredBodyOneByteAfterTheLimit() {
        CountingStream endless = new CountingStream();
        ApiError e = assertThrows(ApiError.class, () -> reader.read(null, -1, endless));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
        assertEquals(LIMIT + 1, endless.served);
    }

    @Test
    void decodesGzip() throws IOException {
        byte[] json = "{\"a\":1}".getBytes();
        assertArrayEquals(json, reader.read("gzip", -1, new ByteArrayInputStream(gzip(json))));
    }

    @Test
    void appliesTheLimitToTheDecodedSizeOfGzip() throws IOException {
        byte[] bomb = gzip(new byte[100 * LIMIT]);
        ApiError e = assertThrows(ApiError.class, () -> reader.read("gzip", bomb.length, new ByteArrayInputStream(bomb)));
        assertEquals(ErrorCode.PAYLOAD_TOO_LARGE, e.code());
    }

    @Test
    void refusesCorruptGzipAsInvalidPayload() {
        ApiError e = assertThrows(ApiError.class,
                () -> reader.read("gzip", 4, new ByteArrayInputStream(new byte[] {1, 2, 3, 4})));
        assertEquals(ErrorCode.INVALID_PAYLOAD, e.code());
    }

    @Test
    void refusesUnsupportedEncodings() {
        ApiError e = assertThrows(ApiError.class, () -> reader.read("br", 2, new ByteArrayInputStream(new byte[2])));
        assertEquals(ErrorCode.INVALID_PAYLOAD, e.code());
    }

    private static final class CountingStream extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return 'x';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            java.util.Arrays.fill(b, off, off + len, (byte) 'x');
            served += len;
            return len;
        }
    }

    /** A body that yields {@code chunk} bytes per read, the clock moving {@code nanosPerRead} at each. */
    private static InputStream trickle(int size, int chunk, long[] clock, long nanosPerRead) {
        return new InputStream() {
            private int left = size;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
            }

            @Override
            public int read(byte[] buffer, int offset, int length) {
                if (left == 0) {
                    return -1;
                }
                clock[0] += nanosPerRead;
                int n = Math.min(Math.min(chunk, length), left);
                left -= n;
                return n;
            }
        };
    }

    @Test
    void aBodyTrickledBelowTheMinimumRateIsRefusedWith408() {
        long[] clock = {0};
        BodyReader slow = new BodyReader(100_000, 8192, () -> clock[0]);
        // 100 bytes every 100 ms: 1 KB/s, the whole body would take 100 s
        ApiError e = assertThrows(ApiError.class, () -> slow.read(null, 100_000, trickle(100_000, 100, clock, 100_000_000L)));
        assertEquals(ErrorCode.REQUEST_TIMEOUT, e.code());
        assertEquals(1_100_000_000L, clock[0], "refused at the first read past the one-second grace");
    }

    @Test
    void aSmallBodyReadLateOrAFastOneIsNeverRefused() {
        long[] clock = {5_000_000_000L}; // the request waited 5 s before the server read it
        BodyReader reader = new BodyReader(100_000, 8192, () -> clock[0]);
        assertEquals(200, reader.read(null, 200, trickle(200, 200, clock, 0)).length);
        // 64 KB/s for about 1.6 s: past the grace, above the minimum
        assertEquals(99_999, reader.read(null, 99_999, trickle(99_999, 8192, clock, 125_000_000L)).length);
    }
}
