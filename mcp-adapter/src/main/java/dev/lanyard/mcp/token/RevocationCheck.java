package dev.lanyard.mcp.token;

import java.util.Optional;

/** Whether a token that is otherwise valid has been cut off since it was issued (the kill switch). */
@FunctionalInterface
public interface RevocationCheck {
    RevocationCheck NONE = token -> Optional.empty();

    /** Why the token no longer counts, or empty when nothing revoked it. */
    Optional<String> revoked(VerifiedToken token);
}
