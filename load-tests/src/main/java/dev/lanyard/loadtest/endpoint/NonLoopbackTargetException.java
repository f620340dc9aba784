package dev.lanyard.loadtest.endpoint;

/** Thrown before any connection is opened when a target is not on this machine. */
public final class NonLoopbackTargetException extends IllegalArgumentException {
    public NonLoopbackTargetException(String host) {
        super("refusing to send load to '" + host + "': only loopback targets (127.0.0.0/8, ::1, localhost) are allowed;"
                + " this harness must never generate traffic towards another machine");
    }
}
