package dev.lanyard.policies.builtins;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Rego's total order over values: null < booleans < numbers < strings < arrays < objects < sets; numbers compare
 * numerically, strings by UTF-8 bytes (which equals code point order), collections element-wise.
 */
public final class RegoOrder implements Comparator<Object> {
    public static final RegoOrder INSTANCE = new RegoOrder();

    private RegoOrder() {}

    static int rank(Object v) {
        if (v instanceof RegoNull) {
            return 0;
        } else if (v instanceof Boolean) {
            return 1;
        } else if (v instanceof BigDecimal) {
            return 2;
        } else if (v instanceof String || v instanceof RawString) {
            return 3;
        } else if (v instanceof List) {
            return 4;
        } else if (v instanceof Map) {
            return 5;
        } else if (v instanceof Set) {
            return 6;
        }
        throw new IllegalArgumentException("not a Rego value: " + (v == null ? "null" : v.getClass()));
    }

    @Override
    @SuppressWarnings("unchecked")
    public int compare(Object a, Object b) {
        int ra = rank(a), rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        switch (ra) {
            case 0:
                return 0;
            case 1:
                return Boolean.compare((Boolean) a, (Boolean) b);
            case 2:
                return ((BigDecimal) a).compareTo((BigDecimal) b);
            case 3:
                return compareStrings(Values.string(a), Values.string(b));
            case 4:
                return compareIterators(((List<Object>) a).iterator(), ((List<Object>) b).iterator());
            case 5: {
                Map<Object, Object> x = (Map<Object, Object>) a, y = (Map<Object, Object>) b;
                Iterator<Map.Entry<Object, Object>> i = Values.sortedEntries(x).iterator();
                Iterator<Map.Entry<Object, Object>> j = Values.sortedEntries(y).iterator();
                while (i.hasNext() && j.hasNext()) {
                    Map.Entry<Object, Object> e = i.next(), f = j.next();
                    int c = compare(e.getKey(), f.getKey());
                    if (c != 0) {
                        return c;
                    }
                    c = compare(e.getValue(), f.getValue());
                    if (c != 0) {
                        return c;
                    }
                }
                return Boolean.compare(i.hasNext(), j.hasNext());
            }
            default:
                return compareIterators(Values.sorted((Set<Object>) a).iterator(),
                        Values.sorted((Set<Object>) b).iterator());
        }
    }

    private int compareIterators(Iterator<Object> i, Iterator<Object> j) {
        while (i.hasNext() && j.hasNext()) {
            int c = compare(i.next(), j.next());
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(i.hasNext(), j.hasNext());
    }

    /** Code point order (Java's compareTo is UTF-16 order, which differs for supplementary characters). */
    static int compareStrings(String a, String b) {
        int i = 0, j = 0;
        while (i < a.length() && j < b.length()) {
            int x = a.codePointAt(i), y = b.codePointAt(j);
            if (x != y) {
                return Integer.compare(x, y);
            }
            i += Character.charCount(x);
            j += Character.charCount(y);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
