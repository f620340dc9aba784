package dev.lanyard.loadtest.cli;

import picocli.CommandLine;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;

/** Parses {@code 500ms}, {@code 20s}, {@code 1.5s}, {@code 2m}; a bare number means seconds. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        BigDecimal nanosPerUnit;
        String number;
        if (v.endsWith("ms")) {
            nanosPerUnit = BigDecimal.valueOf(1_000_000L);
            number = v.substring(0, v.length() - 2);
        } else if (v.endsWith("s")) {
            nanosPerUnit = BigDecimal.valueOf(1_000_000_000L);
            number = v.substring(0, v.length() - 1);
        } else if (v.endsWith("m")) {
            nanosPerUnit = BigDecimal.valueOf(60_000_000_000L);
            number = v.substring(0, v.length() - 1);
        } else {
            nanosPerUnit = BigDecimal.valueOf(1_000_000_000L);
            number = v;
        }
        try {
            BigDecimal amount = new BigDecimal(number.trim());
            if (amount.signum() < 0) {
                throw new CommandLine.TypeConversionException("duration must not be negative: " + value);
            }
            return Duration.ofNanos(amount.multiply(nanosPerUnit).longValueExact());
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException("not a duration (try 500ms, 20s, 2m): " + value);
        }
    }
}
