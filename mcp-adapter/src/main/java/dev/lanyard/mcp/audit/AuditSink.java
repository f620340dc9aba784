package dev.lanyard.mcp.audit;

import java.util.List;

/** Where spooled audit records go. Called only from the emitter's own thread, so it may block. */
public interface AuditSink {
    enum Result {
        /** The server has them (stored now, or already had them: duplicates). */
        DELIVERED,
        /** The server refuses these records as they are; sending them again will not help. */
        REJECTED,
        /** Not delivered this time (unreachable, 5xx, throttled, not authorized yet): try again later. */
        RETRY
    }

    record Answer(Result result, int accepted, int duplicates, String detail) {}

    /** @param records JSON documents, one per record */
    Answer deliver(List<byte[]> records);
}
