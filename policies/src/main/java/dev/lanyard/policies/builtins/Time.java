package dev.lanyard.policies.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** {@code time.now_ns} and {@code time.parse_rfc3339_ns}. */
final class Time {
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    private static final java.util.regex.Pattern RFC3339 = java.util.regex.Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private Time() {}

    static Object nowNs(Clock clock) {
        Instant now = clock.instant();
        return new BigDecimal(nanos(now));
    }

    static BigInteger nanos(Instant t) {
        return BigInteger.valueOf(t.getEpochSecond()).multiply(BILLION).add(BigInteger.valueOf(t.getNano()));
    }

    /** RFC 3339 with optional fractional seconds and a Z or ±hh:mm offset (Go's time.RFC3339 layout). */
    static Object parseRfc3339Ns(Object s) {
        String x = Values.string(s);
        if (!RFC3339.matcher(x).matches()) {
            throw new BuiltinError("cannot parse " + x + " as RFC3339");
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(x, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            BigInteger ns = nanos(t.toInstant());
            // Go's UnixNano overflows outside ~1678..2262; OPA reports an error there
            if (ns.bitLength() > 63) {
                throw new BuiltinError("time outside of int64 nanoseconds range");
            }
            return new BigDecimal(ns);
        } catch (DateTimeParseException e) {
            throw new BuiltinError("cannot parse " + x + " as RFC3339");
        }
    }
}
