package io.probr.ingest.http;

import io.probr.ingest.metrics.EdgeMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Answers {@code POST /ingest} with a missing, unknown or revoked key (401, 403, or 429 for an address that
 * keeps failing) in Jetty, ahead of the servlet layer and the routes: a flood of bad keys then costs the edge
 * little more than parsing. A key that cannot be checked yet (the keys not loaded) is answered here too, so the
 * wait for the keys is never paid twice. A good key goes on to the routes with the key found ({@link AuthFilter}
 * applies its rate, and checks the key itself on a path this handler does not see, such as {@code /ingest/}).
 */
final class RefusedKeys extends Handler.Wrapper {
    /** How long a refused request's body may take to arrive before the answer closes its connection. */
    static final long DRAIN_LIMIT_MS = 1_000;

    private final AuthFilter keys;
    private final EdgeMetrics metrics;
    private final int maxBodyBytes;

    RefusedKeys(AuthFilter keys, EdgeMetrics metrics, int maxBodyBytes) {
        this.keys = keys;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (!"POST".equals(request.getMethod()) || !"/ingest".equals(Request.getPathInContext(request))) {
            return super.handle(request, response, callback);
        }
        try {
            request.setAttribute(AuthFilter.KEY_ATTRIBUTE, keys.check(request.getHeaders().get("X-Probr-Key"),
                    request.getHeaders().get(HttpHeader.AUTHORIZATION), Request.getRemoteAddr(request)));
        } catch (ApiError refused) {
            long length = request.getLength();
            if (length >= 0 && length <= maxBodyBytes) {
                drainThenAnswer(refused, request, response, callback);
            } else {
                // too big, or of unknown length: not waited for, and the connection closes after the answer
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                answer(refused, response, callback);
            }
            return true;
        }
        return super.handle(request, response, callback);
    }

    /**
     * Reads and drops the body, then answers: answered while its body still arrived, the request left Jetty
     * closing the connection under a client that would reuse it, and its next request failed. A body still
     * arriving after {@link #DRAIN_LIMIT_MS} is not waited for: the answer closes the connection.
     */
    private void drainThenAnswer(ApiError refused, Request request, Response response, Callback callback) {
        AtomicBoolean answered = new AtomicBoolean();
        Scheduler.Task late = request.getComponents().getScheduler().schedule(() -> {
            if (answered.compareAndSet(false, true)) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                answer(refused, response, callback);
            }
        }, DRAIN_LIMIT_MS, TimeUnit.MILLISECONDS);
        Content.Source.consumeAll(request, Callback.from(() -> {
            late.cancel();
            if (answered.compareAndSet(false, true)) {
                answer(refused, response, callback);
            }
        }, failure -> {
            late.cancel();
            if (answered.compareAndSet(false, true)) {
                callback.failed(failure);
            }
        }));
    }

    private void answer(ApiError refused, Response response, Callback callback) {
        response.setStatus(refused.code().status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        if (refused.retryAfterSeconds() != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, refused.retryAfterSeconds().toString());
        }
        metrics.requestAnswered("/ingest", refused.code().status());
        response.write(true, ByteBuffer.wrap(EdgeServer.errorJson(refused).getBytes(StandardCharsets.UTF_8)), callback);
    }
}
