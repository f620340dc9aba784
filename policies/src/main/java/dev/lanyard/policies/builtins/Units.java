package dev.lanyard.policies.builtins;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code units.parse} (SI and binary suffixes, case-sensitive m/M) and {@code units.parse_bytes}. */
final class Units {
    private static final Pattern NUM = Pattern.compile("([0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?)([a-zA-Z]*)");
    private static final BigDecimal K = BigDecimal.valueOf(1000);
    private static final BigDecimal KI = BigDecimal.valueOf(1024);

    private static final Map<String, BigDecimal> SI = Map.ofEntries(
            Map.entry("", BigDecimal.ONE), Map.entry("m", new BigDecimal("0.001")),
            Map.entry("k", K), Map.entry("K", K), Map.entry("ki", KI), Map.entry("Ki", KI),
            Map.entry("M", K.pow(2)), Map.entry("Mi", KI.pow(2)),
            Map.entry("G", K.pow(3)), Map.entry("g", K.pow(3)), Map.entry("Gi", KI.pow(3)), Map.entry("gi", KI.pow(3)),
            Map.entry("T", K.pow(4)), Map.entry("t", K.pow(4)), Map.entry("Ti", KI.pow(4)), Map.entry("ti", KI.pow(4)),
            Map.entry("P", K.pow(5)), Map.entry("p", K.pow(5)), Map.entry("Pi", KI.pow(5)), Map.entry("pi", KI.pow(5)),
            Map.entry("E", K.pow(6)), Map.entry("e", K.pow(6)), Map.entry("Ei", KI.pow(6)), Map.entry("ei", KI.pow(6)),
            Map.entry("mi", KI.pow(2)));

    private Units() {}

    static Object parse(Object s) {
        String x = clean(Values.string(s));
        Matcher m = NUM.matcher(x);
        if (!m.matches()) {
            throw new BuiltinError("units.parse: could not parse " + x);
        }
        BigDecimal unit = SI.get(m.group(2));
        if (unit == null) {
            throw new BuiltinError("units.parse: unknown unit " + m.group(2));
        }
        return Numbers.norm(new BigDecimal(m.group(1)).multiply(unit));
    }

    static Object parseBytes(Object s) {
        String x = clean(Values.string(s));
        Matcher m = NUM.matcher(x);
        if (!m.matches()) {
            throw new BuiltinError("units.parse_bytes: could not parse " + x);
        }
        String u = m.group(2).toLowerCase();
        BigDecimal unit = switch (u) {
            case "", "b" -> BigDecimal.ONE;
            case "k", "kb" -> K;
            case "ki", "kib" -> KI;
            case "m", "mb" -> K.pow(2);
            case "mi", "mib" -> KI.pow(2);
            case "g", "gb" -> K.pow(3);
            case "gi", "gib" -> KI.pow(3);
            case "t", "tb" -> K.pow(4);
            case "ti", "tib" -> KI.pow(4);
            case "p", "pb" -> K.pow(5);
            case "pi", "pib" -> KI.pow(5);
            case "e", "eb" -> K.pow(6);
            case "ei", "eib" -> KI.pow(6);
            default -> throw new BuiltinError("units.parse_bytes: unknown unit " + u);
        };
        return Numbers.norm(new BigDecimal(m.group(1)).multiply(unit).setScale(0, RoundingMode.DOWN));
    }

    private static String clean(String s) {
        String x = s.replace("\"", "").replace(" ", "");
        if (x.isEmpty()) {
            throw new BuiltinError("no amount provided");
        }
        return x;
    }
}
