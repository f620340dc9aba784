package dev.lanyard.server.approvals;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of approve/deny, both fields optional: {@code ttl_seconds} is how long an approval lasts (60 s to 24 h,
 * default 1 h); {@code note} is kept with the decision (at most 500 characters).
 */
record ApprovalDecision(Integer ttlSeconds, String note) {
    static final int DEFAULT_TTL_SECONDS = 3600;
    static final ApprovalDecision NONE = new ApprovalDecision(null, null);

    @JsonCreator
    ApprovalDecision(@JsonProperty("ttl_seconds") Integer ttlSeconds, @JsonProperty("note") String note) {
        if (ttlSeconds != null && (ttlSeconds < 60 || ttlSeconds > 86_400)) {
            throw new IllegalArgumentException("ttl_seconds must be between 60 and 86400");
        }
        if (note != null && note.length() > 500) {
            throw new IllegalArgumentException("note must be at most 500 characters");
        }
        this.ttlSeconds = ttlSeconds;
        this.note = note;
    }

    int ttl() {
        return ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds;
    }
}
