package io.probr.pipeline.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive HTTP/1.1 connection: write a request, read the status and skip the body. A minimal client keeps the load
 * generator's own cost low on a two-core machine.
 */
final class RawHttpClient implements AutoCloseable {
    private final Socket socket = new Socket();
    private final OutputStream out;
    private final InputStream in;

    RawHttpClient(String host, int port, String from) throws IOException {
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 8192);
    }

    int send(byte[] request) throws IOException {
        out.write(request);
        out.flush();
        String statusLine = line();
        int contentLength = 0;
        for (String header = line(); !header.isEmpty(); header = line()) {
            if (header.regionMatches(true, 0, "content-length:", 0, 15)) {
                contentLength = Integer.parseInt(header.substring(15).strip());
            }
        }
        in.skipNBytes(contentLength);
        return Integer.parseInt(statusLine.substring(9, 12));
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
