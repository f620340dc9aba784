package dev.lanyard.loadtest.engine;

import io.vertx.core.http.HttpClosedException;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

/** Requests that produced no HTTP status. Non-2xx answers are counted by status code instead. */
public enum ErrorKind {
    /** The TCP connection could not be opened. */
    CONNECT,
    /** The connection closed or reset before the response was complete. */
    CLOSED,
    /** No response activity within the request timeout, or still unanswered when the run was cut off. */
    TIMEOUT,
    /** Rate mode: due while the backlog of unanswered requests was full, so never sent. */
    NOT_SENT,
    OTHER;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static ErrorKind classify(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TimeoutException) {
                return TIMEOUT;
            }
            if (c instanceof ConnectException) {
                return CONNECT;
            }
            if (c instanceof HttpClosedException || c instanceof ClosedChannelException) {
                return CLOSED;
            }
            if (c instanceof IOException) {
                // "Connection reset by peer" and friends arrive as plain IOExceptions from the transport.
                return CLOSED;
            }
        }
        return OTHER;
    }
}
