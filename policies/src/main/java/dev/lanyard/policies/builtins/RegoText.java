package dev.lanyard.policies.builtins;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes values as text: Rego value syntax (what {@code opa_value_dump} prints and
 * {@code opa_value_parse} reads: JSON plus sets and non-string object keys), JSON for {@code json.marshal}, and
 * Rego's display form used by {@code sprintf("%v")}.
 */
public final class RegoText {
    public enum Style {
        /** Compact Rego value syntax: sets as {@code {1,2}} / {@code set()}. */
        REGO,
        /** JSON: sets become sorted arrays; object keys must be strings. */
        JSON,
        /** Rego term display: {@code ["a", 1]}, {@code {"k": v}}, {@code {1, 2}}. */
        DISPLAY
    }

    private final String s;
    private int i;

    private RegoText(String s) {
        this.s = s;
    }

    public static Object parse(String text) {
        RegoText p = new RegoText(text);
        p.ws();
        Object v = p.value();
        p.ws();
        if (p.i != text.length()) {
            throw new BuiltinError("trailing characters in value at " + p.i);
        }
        return v;
    }

    public static String format(Object v, Style style) {
        StringBuilder b = new StringBuilder();
        write(b, v, style);
        return b.toString();
    }

    public static String formatNumber(BigDecimal d) {
        if (d.signum() == 0) {
            return d.scale() > 0 ? d.toPlainString() : "0";
        }
        if (Math.abs((long) d.scale()) > 200) {
            // "1e400", never "1e+400": OPA's runtime parser misreads an explicit '+' in the exponent
            return d.toString().replace("E+", "e").replace('E', 'e');
        }
        return d.toPlainString();
    }

    @SuppressWarnings("unchecked")
    private static void write(StringBuilder b, Object v, Style style) {
        if (v instanceof RegoNull) {
            b.append("null");
        } else if (v instanceof Boolean x) {
            b.append(x);
        } else if (v instanceof BigDecimal d) {
            b.append(formatNumber(d));
        } else if (v instanceof String str) {
            quote(b, str);
        } else if (v instanceof RawString raw) {
            quote(b, raw.text());
        } else if (v instanceof List<?> l) {
            b.append('[');
            sequence(b, (List<Object>) l, style);
            b.append(']');
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<Object, Object> e : Values.sortedEntries((Map<Object, Object>) m)) {
                if (!first) {
                    b.append(style == Style.DISPLAY ? ", " : ",");
                }
                first = false;
                if (style == Style.JSON && !(e.getKey() instanceof String)) {
                    throw new BuiltinError("object key must be string for JSON: " + format(e.getKey(), Style.REGO));
                }
                write(b, e.getKey(), style);
                b.append(style == Style.DISPLAY ? ": " : ":");
                write(b, e.getValue(), style);
            }
            b.append('}');
        } else if (v instanceof Set<?> set) {
            List<Object> items = Values.sorted((Set<Object>) set);
            if (style == Style.JSON) {
                b.append('[');
                sequence(b, items, style);
                b.append(']');
            } else if (items.isEmpty()) {
                b.append("set()");
            } else {
                b.append('{');
                sequence(b, items, style);
                b.append('}');
            }
        } else {
            throw new BuiltinError("not a value: " + v);
        }
    }

    private static void sequence(StringBuilder b, List<Object> items, Style style) {
        for (int k = 0; k < items.size(); k++) {
            if (k > 0) {
                b.append(style == Style.DISPLAY ? ", " : ",");
            }
            write(b, items.get(k), style);
        }
    }

    /** {@code str} as a JSON string literal, escaped as OPA's runtime writes it. */
    public static void quote(StringBuilder b, String str) {
        b.append('"');
        for (int k = 0; k < str.length(); k++) {
            char c = str.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    // ---- parser

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
    }

    private Object value() {
        if (i >= s.length()) {
            throw new BuiltinError("unexpected end of value");
        }
        char c = s.charAt(i);
        switch (c) {
            case '{':
                return braced();
            case '[': {
                i++;
                List<Object> out = new ArrayList<>();
                ws();
                if (peek(']')) {
                    i++;
                    return Collections.unmodifiableList(out);
                }
                while (true) {
                    ws();
                    out.add(value());
                    ws();
                    if (peek(',')) {
                        i++;
                        continue;
                    }
                    expect(']');
                    return Collections.unmodifiableList(out);
                }
            }
            case '"':
                return string();
            default:
                if (s.startsWith("true", i)) {
                    i += 4;
                    return Boolean.TRUE;
                }
                if (s.startsWith("false", i)) {
                    i += 5;
                    return Boolean.FALSE;
                }
                if (s.startsWith("null", i)) {
                    i += 4;
                    return RegoNull.NULL;
                }
                if (s.startsWith("set()", i)) {
                    i += 5;
                    return Values.newSet();
                }
                return number();
        }
    }

    /** {@code {}} is an empty object; {@code {k: v}} an object; {@code {a, b}} a set. */
    private Object braced() {
        i++;
        ws();
        if (peek('}')) {
            i++;
            return Values.newObject();
        }
        Object first = value();
        ws();
        if (peek(':')) {
            Map<Object, Object> m = Values.newObject();
            i++;
            ws();
            m.put(first, value());
            ws();
            while (peek(',')) {
                i++;
                ws();
                Object k = value();
                ws();
                expect(':');
                ws();
                m.put(k, value());
                ws();
            }
            expect('}');
            return m;
        }
        Set<Object> set = Values.newSet();
        set.add(first);
        while (peek(',')) {
            i++;
            ws();
            set.add(value());
            ws();
        }
        expect('}');
        return set;
    }

    private String string() {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            if (i >= s.length()) {
                throw new BuiltinError("unterminated string");
            }
            char c = s.charAt(i++);
            if (c == '"') {
                return b.toString();
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case 'n' -> b.append('\n');
                case 't' -> b.append('\t');
                case 'r' -> b.append('\r');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'u' -> {
                    b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    i += 4;
                }
                default -> b.append(e);
            }
        }
    }

    private BigDecimal number() {
        int start = i;
        while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        if (start == i) {
            throw new BuiltinError("unexpected character '" + s.charAt(i) + "' at " + i);
        }
        try {
            return new BigDecimal(s.substring(start, i));
        } catch (NumberFormatException e) {
            throw new BuiltinError("bad number " + s.substring(start, i));
        }
    }

    private boolean peek(char c) {
        return i < s.length() && s.charAt(i) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw new BuiltinError("expected '" + c + "' at " + i);
        }
        i++;
    }
}
