package dev.lanyard.policies.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code sprintf} with Go's fmt semantics for the argument kinds OPA passes: integral numbers as integers, other
 * numbers as float64, strings as strings, and every other value as its Rego display string.
 */
final class Sprintf {
    private Sprintf() {}

    static Object sprintf(Object format, Object args) {
        String f = Values.string(format);
        List<Object> in = Values.array(args);
        Object[] a = new Object[in.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = convert(in.get(i));
        }
        return format(f, a);
    }

    private static Object convert(Object v) {
        if (v instanceof BigDecimal d) {
            if (Values.isInteger(d)) {
                return d.toBigIntegerExact();
            }
            return d.doubleValue();
        }
        if (v instanceof String || v instanceof RawString) {
            return Values.string(v);
        }
        return new Display(RegoText.format(v, RegoText.Style.DISPLAY));
    }

    /** A non-string, non-number value, formatted by Go as a string but reported as such in errors. */
    private record Display(String text) {}

    static String format(String f, Object[] args) {
        StringBuilder out = new StringBuilder();
        int argi = 0;
        int i = 0;
        while (i < f.length()) {
            char c = f.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            if (i >= f.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false, plus = false, zero = false, space = false, sharp = false;
            for (; i < f.length(); i++) {
                char fl = f.charAt(i);
                if (fl == '-') {
                    minus = true;
                } else if (fl == '+') {
                    plus = true;
                } else if (fl == '0') {
                    zero = true;
                } else if (fl == ' ') {
                    space = true;
                } else if (fl == '#') {
                    sharp = true;
                } else {
                    break;
                }
            }
            int width = -1;
            int start = i;
            while (i < f.length() && Character.isDigit(f.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = Integer.parseInt(f.substring(start, i));
            }
            int prec = -1;
            if (i < f.length() && f.charAt(i) == '.') {
                i++;
                start = i;
                while (i < f.length() && Character.isDigit(f.charAt(i))) {
                    i++;
                }
                prec = i > start ? Integer.parseInt(f.substring(start, i)) : 0;
            }
            if (i >= f.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = f.charAt(i++);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (argi >= args.length) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args[argi++];
            String s = one(verb, arg, prec, plus, space, sharp);
            boolean numeric = arg instanceof BigInteger || arg instanceof Double;
            out.append(pad(s, width, minus, zero && !minus && numeric && s.indexOf('!') < 0));
        }
        if (argi < args.length) {
            out.append("%!(EXTRA ");
            for (int k = argi; k < args.length; k++) {
                if (k > argi) {
                    out.append(", ");
                }
                out.append(goType(args[k])).append('=').append(plain(args[k]));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String one(char verb, Object arg, int prec, boolean plus, boolean space, boolean sharp) {
        if (arg instanceof BigInteger n) {
            String sign = n.signum() < 0 ? "-" : plus ? "+" : space ? " " : "";
            BigInteger m = n.abs();
            return switch (verb) {
                case 'd', 'v' -> sign + m;
                // beyond int64 OPA passes a *big.Int, whose Format also accepts %s
                case 's' -> n.bitLength() > 63 ? sign + m : bad(verb, arg);
                case 'x' -> sign + (sharp ? "0x" : "") + m.toString(16);
                case 'X' -> sign + (sharp ? "0X" : "") + m.toString(16).toUpperCase();
                case 'o' -> sign + (sharp ? "0" : "") + m.toString(8);
                case 'b' -> sign + m.toString(2);
                case 'c' -> new String(Character.toChars(n.intValue()));
                case 'q' -> "'" + new String(Character.toChars(n.intValue())) + "'";
                case 'e', 'E', 'f', 'F', 'g', 'G' -> floatVerb(verb, n.doubleValue(), prec, plus, space);
                default -> bad(verb, arg);
            };
        }
        if (arg instanceof Double d) {
            return switch (verb) {
                case 'v', 'e', 'E', 'f', 'F', 'g', 'G' -> floatVerb(verb == 'v' ? 'g' : verb, d, prec, plus, space);
                default -> bad(verb, arg);
            };
        }
        String s = arg instanceof Display disp ? disp.text() : (String) arg;
        return switch (verb) {
            case 's', 'v' -> prec >= 0 && prec < s.codePointCount(0, s.length())
                    ? s.substring(0, s.offsetByCodePoints(0, prec)) : s;
            case 'q' -> goQuote(s);
            case 'x', 'X' -> {
                StringBuilder b = new StringBuilder();
                for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
                    b.append(String.format(verb == 'x' ? "%02x" : "%02X", x & 0xff));
                }
                yield b.toString();
            }
            default -> bad(verb, arg);
        };
    }

    private static String floatVerb(char verb, double d, int prec, boolean plus, boolean space) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? (plus ? "+Inf" : "Inf") : "-Inf";
        }
        String sign = d < 0 || (d == 0 && 1 / d < 0) ? "-" : plus ? "+" : space ? " " : "";
        BigDecimal exact = new BigDecimal(Math.abs(d));
        String body;
        switch (verb) {
            case 'f', 'F' -> body = exact.setScale(prec < 0 ? 6 : prec, RoundingMode.HALF_EVEN).toPlainString();
            case 'e', 'E' -> body = exp(exact, prec < 0 ? 6 : prec, verb == 'E');
            default -> body = general(Math.abs(d), prec, verb == 'G');
        }
        return sign + body;
    }

    private static String exp(BigDecimal x, int prec, boolean upper) {
        if (x.signum() == 0) {
            return "0" + (prec > 0 ? "." + "0".repeat(prec) : "") + (upper ? "E+00" : "e+00");
        }
        BigDecimal r = x.round(new java.math.MathContext(prec + 1, RoundingMode.HALF_EVEN));
        int e = r.precision() - r.scale() - 1;
        BigDecimal mant = r.movePointLeft(e).setScale(prec, RoundingMode.HALF_EVEN);
        return mant.toPlainString() + expSuffix(e, upper);
    }

    private static String expSuffix(int e, boolean upper) {
        return (upper ? "E" : "e") + (e < 0 ? "-" : "+") + (Math.abs(e) < 10 ? "0" : "") + Math.abs(e);
    }

    /** %g: shortest representation; exponent form when exp < -4 or exp >= precision (6 when shortest). */
    private static String general(double d, int prec, boolean upper) {
        BigDecimal digits;
        if (prec < 0) {
            digits = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        } else {
            digits = new BigDecimal(d).round(new java.math.MathContext(Math.max(prec, 1), RoundingMode.HALF_EVEN))
                    .stripTrailingZeros();
        }
        if (digits.signum() == 0) {
            return "0";
        }
        int e = digits.precision() - digits.scale() - 1;
        int eprec = prec < 0 ? 6 : Math.max(prec, 1);
        if (e < -4 || e >= eprec) {
            BigDecimal mant = digits.movePointLeft(e);
            return mant.stripTrailingZeros().toPlainString() + expSuffix(e, upper);
        }
        return digits.toPlainString();
    }

    private static String bad(char verb, Object arg) {
        return "%!" + verb + "(" + goType(arg) + "=" + plain(arg) + ")";
    }

    private static String goType(Object arg) {
        if (arg instanceof BigInteger) {
            return "int";
        }
        if (arg instanceof Double) {
            return "float64";
        }
        return "string";
    }

    private static String plain(Object arg) {
        if (arg instanceof Double d) {
            return general(d, -1, false);
        }
        return arg instanceof Display disp ? disp.text() : arg.toString();
    }

    static String goQuote(String s) {
        StringBuilder b = new StringBuilder();
        RegoText.quote(b, s);
        return b.toString();
    }

    private static String pad(String s, int width, boolean left, boolean zeros) {
        int n = s.codePointCount(0, s.length());
        if (width <= n) {
            return s;
        }
        if (left) {
            return s + " ".repeat(width - n);
        }
        if (zeros) {
            int signLen = !s.isEmpty() && (s.charAt(0) == '-' || s.charAt(0) == '+' || s.charAt(0) == ' ') ? 1 : 0;
            return s.substring(0, signLen) + "0".repeat(width - n) + s.substring(signLen);
        }
        return " ".repeat(width - n) + s;
    }
}
