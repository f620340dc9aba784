package dev.lanyard.server.http;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON log line per request: method, path, status, duration, request id. No query strings or headers. Lines have
 * the shape of the server's other log lines (logger {@code lanyard.access}) and are on when that logger is at INFO
 * ({@code LANYARD_ACCESS_LOG}); they are written in batches by {@link AccessLogWriter}.
 */
public final class AccessLog implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger("lanyard.access");
    private final boolean enabled = LOG.isInfoEnabled();
    private final AccessLogWriter writer = enabled ? AccessLogWriter.instance() : null;

    @Override
    public void handle(RoutingContext ctx) {
        if (enabled) {
            long start = System.nanoTime();
            ctx.addBodyEndHandler(v -> writer.add(line(System.currentTimeMillis(), Thread.currentThread().getName(),
                    ctx.request().method().name(), ctx.request().path(), ctx.response().getStatusCode(),
                    (System.nanoTime() - start) / 1000, Caller.of(ctx).requestId())));
        }
        ctx.next();
    }

    static String line(long timestamp, String thread, String method, String path, int status, long durationMicros,
                       String requestId) {
        StringBuilder sb = new StringBuilder(320);
        sb.append("{\"timestamp\":").append(timestamp).append(",\"level\":\"INFO\",\"threadName\":");
        quoted(sb, thread).append(",\"loggerName\":\"lanyard.access\",\"kvpList\":[{\"method\":");
        quoted(sb, method).append("},{\"path\":");
        quoted(sb, path).append("},{\"status\":\"").append(status).append("\"},{\"duration_us\":\"")
                .append(durationMicros).append("\"},{\"request_id\":");
        quoted(sb, requestId).append("}],\"formattedMessage\":\"http\",\"throwable\":null}");
        return sb.toString();
    }

    private static StringBuilder quoted(StringBuilder sb, String s) {
        if (s == null) {
            return sb.append("null");
        }
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        return sb.append('"');
    }
}
