package dev.lanyard.server.http;

import io.vertx.ext.web.RoutingContext;

/**
 * Optimistic concurrency for updates: the caller states the version it read, by {@code If-Match: "<version>"} or a
 * {@code version} field, and the update applies only if the stored version is still that one. Stating nothing is
 * refused (428), because an update that can silently overwrite someone else's is worse than a failed one.
 */
public final class Preconditions {
    private Preconditions() {}

    public static String etag(int version) {
        return "\"" + version + "\"";
    }

    public static int expectedVersion(RoutingContext ctx, Integer bodyVersion) {
        String ifMatch = ctx.request().getHeader("If-Match");
        if (ifMatch != null) {
            String v = ifMatch.trim();
            if (v.startsWith("W/")) {
                v = v.substring(2);
            }
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1);
            }
            try {
                int version = Integer.parseInt(v);
                if (bodyVersion != null && bodyVersion != version) {
                    throw ApiException.invalid("If-Match and the version field disagree");
                }
                return version;
            } catch (NumberFormatException e) {
                // an ETag we never issued can't match
                throw new ApiException(ErrorCode.PRECONDITION_FAILED);
            }
        }
        if (bodyVersion != null) {
            return bodyVersion;
        }
        throw new ApiException(ErrorCode.PRECONDITION_REQUIRED);
    }
}
