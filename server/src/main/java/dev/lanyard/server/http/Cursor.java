package dev.lanyard.server.http;

import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Cursor paging for lists: results are ordered by an internal creation sequence, and {@code after} is an opaque
 * token naming the last item of the previous page. The next page's URL is in a {@code Link: <…>; rel="next"} header.
 */
public record Cursor(long afterSeq, int limit) {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 200;

    /** A list's cursor, refusing query parameters the list doesn't know: a typo must not return everything. */
    public static Cursor from(RoutingContext ctx, String... filters) {
        java.util.Set<String> known = new java.util.HashSet<>(List.of(filters));
        known.add("after");
        known.add("limit");
        for (String name : ctx.queryParams().names()) {
            if (!known.contains(name)) {
                throw ApiException.invalid("Unknown query parameter '" + Ids.sanitize(name) + "'");
            }
        }
        return from(ctx);
    }

    private static Cursor from(RoutingContext ctx) {
        String after = QueryParams.single(ctx, "after");
        String limit = QueryParams.single(ctx, "limit");
        return new Cursor(after == null ? 0 : decode(after), limit == null ? DEFAULT_LIMIT : parseLimit(limit));
    }

    public static String encode(long seq) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("s" + seq).getBytes(StandardCharsets.US_ASCII));
    }

    private static long decode(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.US_ASCII);
            if (!s.startsWith("s")) {
                throw new IllegalArgumentException();
            }
            long seq = Long.parseLong(s.substring(1));
            if (seq < 0) {
                throw new IllegalArgumentException();
            }
            return seq;
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("Query parameter 'after' is not a cursor this server issued");
        }
    }

    private static int parseLimit(String s) {
        try {
            int limit = Integer.parseInt(s);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw ApiException.invalid("Query parameter 'limit' must be a number from 1 to " + MAX_LIMIT);
    }

    /** Adds the next-page link when this page was full. */
    public <T> void link(RoutingContext ctx, List<T> page, java.util.function.ToLongFunction<T> seqOf) {
        if (page.size() == limit) {
            long last = seqOf.applyAsLong(page.get(page.size() - 1));
            String path = ctx.request().path();
            StringBuilder url = new StringBuilder(path).append("?limit=").append(limit).append("&after=").append(encode(last));
            ctx.queryParams().forEach((k, v) -> {
                if (!k.equals("after") && !k.equals("limit")) {
                    url.append('&').append(java.net.URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                            .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8));
                }
            });
            ctx.response().putHeader("Link", "<" + url + ">; rel=\"next\"");
        }
    }
}
