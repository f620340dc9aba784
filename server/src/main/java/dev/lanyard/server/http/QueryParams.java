package dev.lanyard.server.http;

import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Reading query parameters strictly: each at most once, enumerations only from their known values. */
public final class QueryParams {
    private QueryParams() {}

    public static String single(RoutingContext ctx, String name) {
        List<String> values = ctx.queryParam(name);
        if (values.size() > 1) {
            throw ApiException.invalid("Query parameter '" + name + "' is repeated");
        }
        return values.isEmpty() ? null : values.get(0);
    }

    public static <E extends Enum<E>> E enumeration(RoutingContext ctx, String name, Class<E> type) {
        String value = single(ctx, name);
        if (value == null) {
            return null;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw ApiException.invalid("Query parameter '" + name + "' has an unknown value");
    }
}
