package dev.lanyard.server.policy;

/**
 * A policy set that may not be served: it does not compile, or its own tests fail. The message names the file and
 * position (compile errors) or the failing tests; it is written to the audit trail, so it never holds input data.
 */
public final class PolicyRejected extends Exception {
    private final String location;

    public PolicyRejected(String message, String location) {
        super(message, null, false, false);
        this.location = location;
    }

    /** {@code file:line:col} of a compile error, or null. */
    public String location() {
        return location;
    }
}
