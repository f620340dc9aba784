package dev.lanyard.policies.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Java view of Rego values used by host builtins: {@link RegoNull}, {@link Boolean}, {@link BigDecimal},
 * {@link String}, {@link List} (array), {@link Map} (object, any keys) and {@link Set}. Collections are created
 * sorted in {@link RegoOrder} so that equal values are equal Java objects.
 */
public final class Values {
    private Values() {}

    public static Map<Object, Object> newObject() {
        return new TreeMap<>(RegoOrder.INSTANCE);
    }

    public static Set<Object> newSet() {
        return new TreeSet<>(RegoOrder.INSTANCE);
    }

    static List<Map.Entry<Object, Object>> sortedEntries(Map<Object, Object> m) {
        if (m instanceof TreeMap<Object, Object> t && t.comparator() == RegoOrder.INSTANCE) {
            return new ArrayList<>(t.entrySet());
        }
        List<Map.Entry<Object, Object>> l = new ArrayList<>(m.entrySet());
        l.sort((a, b) -> RegoOrder.INSTANCE.compare(a.getKey(), b.getKey()));
        return l;
    }

    static List<Object> sorted(Set<Object> s) {
        if (s instanceof TreeSet<Object> t && t.comparator() == RegoOrder.INSTANCE) {
            return new ArrayList<>(t);
        }
        List<Object> l = new ArrayList<>(s);
        l.sort(RegoOrder.INSTANCE);
        return l;
    }

    public static BigDecimal num(long v) {
        return BigDecimal.valueOf(v);
    }

    /** The value as a number, or a type error (which the builtin wrapper turns into "undefined"). */
    public static BigDecimal number(Object v) {
        if (v instanceof BigDecimal d) {
            return d;
        }
        throw new BuiltinError("operand must be number, got " + typeName(v));
    }

    public static String string(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof RawString r) {
            return r.text();
        }
        throw new BuiltinError("operand must be string, got " + typeName(v));
    }

    @SuppressWarnings("unchecked")
    public static List<Object> array(Object v) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new BuiltinError("operand must be array, got " + typeName(v));
    }

    @SuppressWarnings("unchecked")
    public static Map<Object, Object> object(Object v) {
        if (v instanceof Map<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw new BuiltinError("operand must be object, got " + typeName(v));
    }

    @SuppressWarnings("unchecked")
    public static Set<Object> set(Object v) {
        if (v instanceof Set<?> s) {
            return (Set<Object>) s;
        }
        throw new BuiltinError("operand must be set, got " + typeName(v));
    }

    /** Elements of an array or set (sets in sorted order). */
    @SuppressWarnings("unchecked")
    public static List<Object> elements(Object v) {
        if (v instanceof List<?> l) {
            return (List<Object>) l;
        }
        if (v instanceof Set<?> s) {
            return sorted((Set<Object>) s);
        }
        throw new BuiltinError("operand must be array or set, got " + typeName(v));
    }

    /** An integral number as a BigInteger, or a type error. */
    public static BigInteger integer(Object v) {
        BigDecimal d = number(v);
        try {
            return d.toBigIntegerExact();
        } catch (ArithmeticException e) {
            throw new BuiltinError("operand must be integer");
        }
    }

    public static int smallInt(Object v) {
        BigInteger i = integer(v);
        if (i.bitLength() > 31) {
            throw new BuiltinError("integer out of range");
        }
        return i.intValue();
    }

    public static boolean isInteger(BigDecimal d) {
        return d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    }

    public static String typeName(Object v) {
        if (v == null) {
            return "undefined";
        }
        return switch (RegoOrder.rank(v)) {
            case 0 -> "null";
            case 1 -> "boolean";
            case 2 -> "number";
            case 3 -> "string";
            case 4 -> "array";
            case 5 -> "object";
            default -> "set";
        };
    }

    public static List<Object> list(Object... items) {
        return Collections.unmodifiableList(new ArrayList<>(List.of(items)));
    }
}
