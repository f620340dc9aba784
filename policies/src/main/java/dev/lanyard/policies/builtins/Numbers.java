package dev.lanyard.policies.builtins;

import static dev.lanyard.policies.builtins.Values.number;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Arithmetic with arbitrary precision, matching the decimal arithmetic of OPA's WASM runtime (libmpdec): exact for
 * + - * and terminating quotients, 34 significant digits otherwise.
 */
final class Numbers {
    static final MathContext DIV = MathContext.DECIMAL128;
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private Numbers() {}

    /** Canonical form of an arithmetic result: no trailing fractional zeros ({@code 6 / 2} is {@code 3}). */
    static BigDecimal norm(BigDecimal d) {
        if (d.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }

    static Object plus(Object a, Object b) {
        return norm(number(a).add(number(b)));
    }

    /** Numbers: subtraction; sets: difference. */
    static Object minus(Object a, Object b) {
        if (a instanceof Set<?> && b instanceof Set<?>) {
            Set<Object> out = Values.newSet();
            out.addAll(Values.set(a));
            out.removeAll(Values.set(b));
            return out;
        }
        return norm(number(a).subtract(number(b)));
    }

    static Object mul(Object a, Object b) {
        return norm(number(a).multiply(number(b)));
    }

    static Object div(Object a, Object b) {
        BigDecimal x = number(a), y = number(b);
        if (y.signum() == 0) {
            throw new BuiltinError("divide by zero");
        }
        try {
            return norm(x.divide(y));
        } catch (ArithmeticException nonTerminating) {
            return norm(x.divide(y, DIV));
        }
    }

    /** Remainder of integers, sign of the dividend (Go's big.Int Rem). */
    static Object rem(Object a, Object b) {
        BigDecimal x = number(a), y = number(b);
        if (!Values.isInteger(x) || !Values.isInteger(y)) {
            throw new BuiltinError("modulo on floating-point number");
        }
        if (y.signum() == 0) {
            throw new BuiltinError("modulo by zero");
        }
        return norm(new BigDecimal(x.toBigIntegerExact().remainder(y.toBigIntegerExact())));
    }

    static Object abs(Object a) {
        return norm(number(a).abs());
    }

    /** Half away from zero, like Go's math.Round. */
    static Object round(Object a) {
        return norm(number(a).setScale(0, RoundingMode.HALF_UP));
    }

    static Object ceil(Object a) {
        return norm(number(a).setScale(0, RoundingMode.CEILING));
    }

    static Object floor(Object a) {
        return norm(number(a).setScale(0, RoundingMode.FLOOR));
    }

    static Object sum(Object coll) {
        BigDecimal s = BigDecimal.ZERO;
        for (Object o : Values.elements(coll)) {
            s = s.add(number(o));
        }
        return norm(s);
    }

    static Object product(Object coll) {
        BigDecimal s = BigDecimal.ONE;
        for (Object o : Values.elements(coll)) {
            s = s.multiply(number(o));
        }
        return norm(s);
    }

    static Object max(Object coll) {
        List<Object> l = Values.elements(coll);
        if (l.isEmpty()) {
            return null;
        }
        Object best = l.get(0);
        for (Object o : l) {
            if (RegoOrder.INSTANCE.compare(o, best) > 0) {
                best = o;
            }
        }
        return best;
    }

    static Object min(Object coll) {
        List<Object> l = Values.elements(coll);
        if (l.isEmpty()) {
            return null;
        }
        Object best = l.get(0);
        for (Object o : l) {
            if (RegoOrder.INSTANCE.compare(o, best) < 0) {
                best = o;
            }
        }
        return best;
    }

    static Object range(Object a, Object b) {
        BigInteger x = Values.integer(a), y = Values.integer(b);
        List<Object> out = new ArrayList<>();
        int step = x.compareTo(y) <= 0 ? 1 : -1;
        BigInteger span = y.subtract(x).abs();
        if (span.bitLength() > 24) {
            throw new BuiltinError("numbers.range: range too large");
        }
        for (BigInteger i = x; ; i = i.add(BigInteger.valueOf(step))) {
            out.add(new BigDecimal(i));
            if (i.equals(y)) {
                break;
            }
        }
        return out;
    }

    /** Go's ParseFloat-compatible number syntax (no hex, no inf/nan), plus null/booleans. */
    static Object toNumber(Object v) {
        if (v instanceof RegoNull) {
            return BigDecimal.ZERO;
        }
        if (v instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (v instanceof BigDecimal) {
            return v;
        }
        String s = Values.string(v);
        if (!NUMBER.matcher(s).matches()) {
            throw new BuiltinError("invalid syntax");
        }
        return new BigDecimal(s.startsWith("+") ? s.substring(1) : s);
    }

    /** Integer part (truncated towards zero) in base 2, 8, 10 or 16. */
    static Object formatInt(Object n, Object base) {
        BigDecimal x = number(n);
        int b = Values.smallInt(base);
        if (b != 2 && b != 8 && b != 10 && b != 16) {
            throw new BuiltinError("base must be one of 2, 8, 10, 16");
        }
        return x.setScale(0, RoundingMode.DOWN).toBigInteger().toString(b);
    }
}
