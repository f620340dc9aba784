package dev.lanyard.policies.builtins;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Array, object and set builtins. */
final class CollectionOps {
    private CollectionOps() {}

    static Object and(Object a, Object b) {
        Set<Object> out = Values.newSet();
        out.addAll(Values.set(a));
        out.retainAll(Values.set(b));
        return out;
    }

    static Object or(Object a, Object b) {
        Set<Object> out = Values.newSet();
        out.addAll(Values.set(a));
        out.addAll(Values.set(b));
        return out;
    }

    static Object union(Object sets) {
        Set<Object> out = Values.newSet();
        for (Object s : Values.set(sets)) {
            out.addAll(Values.set(s));
        }
        return out;
    }

    static Object intersection(Object sets) {
        Set<Object> all = Values.set(sets);
        Set<Object> out = null;
        for (Object s : all) {
            if (out == null) {
                out = Values.newSet();
                out.addAll(Values.set(s));
            } else {
                out.retainAll(Values.set(s));
            }
        }
        return out == null ? Values.newSet() : out;
    }

    static Object count(Object v) {
        if (v instanceof String || v instanceof RawString) {
            return Strings.count(v);
        }
        if (v instanceof List<?> l) {
            return BigDecimal.valueOf(l.size());
        }
        if (v instanceof Map<?, ?> m) {
            return BigDecimal.valueOf(m.size());
        }
        if (v instanceof Set<?> s) {
            return BigDecimal.valueOf(s.size());
        }
        throw new BuiltinError("count: operand must be string, array, object or set");
    }

    static Object sort(Object coll) {
        List<Object> out = new ArrayList<>(Values.elements(coll));
        out.sort(RegoOrder.INSTANCE);
        return out;
    }

    static Object arrayConcat(Object a, Object b) {
        List<Object> out = new ArrayList<>(Values.array(a));
        out.addAll(Values.array(b));
        return out;
    }

    /** Indices are clamped to the array; an empty range gives []. */
    static Object arraySlice(Object a, Object start, Object stop) {
        List<Object> l = Values.array(a);
        int st = Math.max(0, Values.smallInt(start));
        int en = Math.min(l.size(), Values.smallInt(stop));
        if (st >= en) {
            return List.of();
        }
        return new ArrayList<>(l.subList(st, en));
    }

    static Object arrayReverse(Object a) {
        List<Object> out = new ArrayList<>(Values.array(a));
        java.util.Collections.reverse(out);
        return out;
    }

    /** Key lookup with default; an array key is a path into nested objects/arrays. */
    static Object objectGet(Object obj, Object key, Object dflt) {
        Map<Object, Object> m = Values.object(obj);
        if (key instanceof List<?> path) {
            Object cur = m;
            for (Object k : path) {
                cur = child(cur, k);
                if (cur == null) {
                    return dflt;
                }
            }
            return cur;
        }
        Object v = m.get(key);
        return v == null ? dflt : v;
    }

    private static Object child(Object cur, Object k) {
        if (cur instanceof Map<?, ?> m) {
            return m.get(k);
        }
        if (cur instanceof List<?> l && k instanceof BigDecimal d && Values.isInteger(d)) {
            int i;
            try {
                i = d.intValueExact();
            } catch (ArithmeticException e) {
                return null;
            }
            return i >= 0 && i < l.size() ? l.get(i) : null;
        }
        if (cur instanceof Set<?> s) {
            return s.contains(k) ? k : null;
        }
        return null;
    }

    static Object objectKeys(Object obj) {
        Set<Object> out = Values.newSet();
        out.addAll(Values.object(obj).keySet());
        return out;
    }

    /** Recursive merge; on a shared key whose values are not both objects, b's value wins. */
    static Object objectUnion(Object a, Object b) {
        return merge(Values.object(a), Values.object(b));
    }

    private static Map<Object, Object> merge(Map<Object, Object> a, Map<Object, Object> b) {
        Map<Object, Object> out = Values.newObject();
        out.putAll(a);
        for (Map.Entry<Object, Object> e : b.entrySet()) {
            Object mine = out.get(e.getKey());
            if (mine instanceof Map<?, ?> x && e.getValue() instanceof Map<?, ?> y) {
                out.put(e.getKey(), merge(Values.object(x), Values.object(y)));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** Keys to remove come from an array, a set, or an object's keys. */
    static Object objectRemove(Object obj, Object keys) {
        Map<Object, Object> out = Values.newObject();
        out.putAll(Values.object(obj));
        if (keys instanceof Map<?, ?> m) {
            m.keySet().forEach(out::remove);
        } else {
            Values.elements(keys).forEach(out::remove);
        }
        return out;
    }

    /** All [path, value] pairs of x, pre-order, children in Rego order. */
    static Object walk(Object x) {
        List<Object> out = new ArrayList<>();
        walk(new ArrayList<>(), x, out);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void walk(List<Object> path, Object x, List<Object> out) {
        out.add(List.of(List.copyOf(path), x));
        if (x instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                path.add(BigDecimal.valueOf(i));
                walk(path, l.get(i), out);
                path.remove(path.size() - 1);
            }
        } else if (x instanceof Map<?, ?> m) {
            for (Map.Entry<Object, Object> e : Values.sortedEntries((Map<Object, Object>) m)) {
                path.add(e.getKey());
                walk(path, e.getValue(), out);
                path.remove(path.size() - 1);
            }
        } else if (x instanceof Set<?> s) {
            for (Object e : Values.sorted((Set<Object>) s)) {
                path.add(e);
                walk(path, e, out);
                path.remove(path.size() - 1);
            }
        }
    }
}
