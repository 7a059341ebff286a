package io.probr.ingest.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Reads a request body without ever holding more than {@code maxBytes + 1} bytes of it, whether or not the
 * client sent a Content-Length, and decodes {@code Content-Encoding: gzip} with the same limit on the
 * decoded size (so a gzip bomb stops at the limit).
 */
public final class BodyReader {
    /**
     * A body declared up to this many times the limit is read and dropped (never kept) before the 413: a server
     * that closes the connection with unread bytes resets it, and the client can lose the answer with them.
     * Anything bigger is refused without reading.
     */
    static final int DRAIN_FACTOR = 8;

    private final int maxBytes;

    public BodyReader(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * @param contentEncoding the request's Content-Encoding, or null
     * @param contentLength   the declared length, or -1 when the body is chunked
     */
    public byte[] read(String contentEncoding, long contentLength, InputStream in) {
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

    private ApiError tooLarge() {
        return new ApiError(ErrorCode.PAYLOAD_TOO_LARGE, "body larger than " + maxBytes + " bytes");
    }
}
