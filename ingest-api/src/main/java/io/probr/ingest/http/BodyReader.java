package io.probr.ingest.http;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body without ever holding more than {@code maxBytes + 1} bytes of it, whether or not the
 * client sent a Content-Length, and decodes {@code Content-Encoding: gzip} with the same limit on the
 * decoded size (so a gzip bomb stops at the limit). A body that arrives slower than {@code minBytesPerSecond}
 * once a second of reading has passed is refused (408), so a trickled body cannot hold a thread. The rate counts
 * from the first read, not from the request's arrival: a small body read late by a busy server is never refused
 * (Jetty's own minimum data rate counts from arrival, and did).
 */
public final class BodyReader {
    /**
     * A body declared up to this many times the limit is read and dropped (never kept) before the 413: a server
     * that closes the connection with unread bytes resets it, and the client can lose the answer with them.
     * Anything bigger is refused without reading.
     */
    static final int DRAIN_FACTOR = 8;

    private static final long GRACE_NANOS = 1_000_000_000L;

    private final int maxBytes;
    private final long minBytesPerSecond;
    private final LongSupplier nanoClock;

    public BodyReader(int maxBytes, long minBytesPerSecond, LongSupplier nanoClock) {
        this.maxBytes = maxBytes;
        this.minBytesPerSecond = minBytesPerSecond;
        this.nanoClock = nanoClock;
    }

    public BodyReader(int maxBytes) {
        this(maxBytes, 0, System::nanoTime);
    }

    /**
     * @param contentEncoding the request's Content-Encoding, or null
     * @param contentLength   the declared length, or -1 when the body is chunked
     */
    public byte[] read(String contentEncoding, long contentLength, InputStream body) {
        InputStream in = minBytesPerSecond > 0 ? new MinimumRate(body) : body;
        if (contentLength > maxBytes) {
            if (contentLength <= (long) maxBytes * DRAIN_FACTOR) {
                drain(in);
            }
            throw tooLarge();
        }
        String encoding = contentEncoding == null ? "identity" : contentEncoding.strip().toLowerCase(Locale.ROOT);
        byte[] received = readAtMostLimit(in);
        return switch (encoding) {
            case "identity", "" -> received;
            case "gzip", "x-gzip" -> gunzip(received);
            default -> throw new ApiError(ErrorCode.INVALID_PAYLOAD,
                    "unsupported Content-Encoding '" + encoding + "'; send identity or gzip");
        };
    }

    private byte[] gunzip(byte[] compressed) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
            return readAtMostLimit(in);
        } catch (IOException e) {
            throw new ApiError(ErrorCode.INVALID_PAYLOAD, "body is not valid gzip: " + e.getMessage());
        }
    }

    private byte[] readAtMostLimit(InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(maxBytes + 1);
        } catch (TooSlow e) {
            throw e.error;
        } catch (IOException e) {
            throw new ApiError(ErrorCode.INVALID_PAYLOAD, "could not read the body: " + e.getMessage());
        }
        if (bytes.length > maxBytes) {
            throw tooLarge();
        }
        return bytes;
    }

    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // the client went away; the 413 stands
        }
    }

    /** Counts what was read, and fails the read once the body is behind the minimum rate. */
    private final class MinimumRate extends FilterInputStream {
        private final long startedNanos = nanoClock.getAsLong();
        private long bytes;

        MinimumRate(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            counted(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            counted(Math.max(n, 0));
            return n;
        }

        private void counted(int n) throws TooSlow {
            bytes += n;
            long elapsed = nanoClock.getAsLong() - startedNanos;
            if (elapsed > GRACE_NANOS && bytes < minBytesPerSecond * (elapsed / 1e9)) {
                throw new TooSlow(new ApiError(ErrorCode.REQUEST_TIMEOUT, "the body arrived slower than "
                        + minBytesPerSecond + " bytes/s; retry"));
            }
        }
    }

    /** Carries the 408 through the {@link InputStream} methods, which may only throw {@link IOException}. */
    private static final class TooSlow extends IOException {
        private final ApiError error;

        TooSlow(ApiError error) {
            super(error.getMessage(), null);
            this.error = error;
        }
    }

    private ApiError tooLarge() {
        return new ApiError(ErrorCode.PAYLOAD_TOO_LARGE, "body larger than " + maxBytes + " bytes");
    }
}
