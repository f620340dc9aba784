package dev.lanyard.policies.builtins;

import static dev.lanyard.policies.builtins.Values.string;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** String builtins with Go's strings-package semantics; indices and lengths count code points. */
final class Strings {
    private Strings() {}

    static Object concat(Object delim, Object coll) {
        String d = string(delim);
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (Object o : Values.elements(coll)) {
            if (!first) {
                b.append(d);
            }
            first = false;
            b.append(string(o));
        }
        return b.toString();
    }

    static Object contains(Object s, Object sub) {
        return string(s).contains(string(sub));
    }

    static Object startswith(Object s, Object p) {
        return string(s).startsWith(string(p));
    }

    static Object endswith(Object s, Object p) {
        return string(s).endsWith(string(p));
    }

    static Object lower(Object s) {
        return string(s).toLowerCase(Locale.ROOT);
    }

    static Object upper(Object s) {
        return string(s).toUpperCase(Locale.ROOT);
    }

    /** Go's strings.Split: an empty separator splits into code points; no regex. */
    static Object split(Object s, Object sep) {
        String x = string(s), d = string(sep);
        List<Object> out = new ArrayList<>();
        if (d.isEmpty()) {
            x.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        int from = 0;
        while (true) {
            int at = x.indexOf(d, from);
            if (at < 0) {
                out.add(x.substring(from));
                return out;
            }
            out.add(x.substring(from, at));
            from = at + d.length();
        }
    }

    static Object replace(Object s, Object old, Object neu) {
        return string(s).replace(string(old), string(neu));
    }

    static Object substring(Object s, Object start, Object length) {
        String x = string(s);
        int st = Values.smallInt(start);
        int len = Values.smallInt(length);
        if (st < 0) {
            throw new BuiltinError("negative offset");
        }
        int[] cps = x.codePoints().toArray();
        if (st >= cps.length) {
            return "";
        }
        int end = len < 0 || (long) st + len > cps.length ? cps.length : st + len;
        return new String(cps, st, end - st);
    }

    static Object indexof(Object s, Object sub) {
        String x = string(s), y = string(sub);
        int at = x.indexOf(y);
        return at < 0 ? BigDecimal.valueOf(-1) : BigDecimal.valueOf(x.codePointCount(0, at));
    }

    static Object count(Object s) {
        String x = string(s);
        return BigDecimal.valueOf(x.codePointCount(0, x.length()));
    }

    static Object trim(Object s, Object cutset) {
        return trimRight(trimLeft(string(s), string(cutset)), string(cutset));
    }

    static Object trimLeftFn(Object s, Object cutset) {
        return trimLeft(string(s), string(cutset));
    }

    static Object trimRightFn(Object s, Object cutset) {
        return trimRight(string(s), string(cutset));
    }

    private static String trimLeft(String s, String cut) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (cut.indexOf(cp) < 0) {
                break;
            }
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    private static String trimRight(String s, String cut) {
        int i = s.length();
        while (i > 0) {
            int cp = s.codePointBefore(i);
            if (cut.indexOf(cp) < 0) {
                break;
            }
            i -= Character.charCount(cp);
        }
        return s.substring(0, i);
    }

    static Object trimPrefix(Object s, Object p) {
        String x = string(s), y = string(p);
        return x.startsWith(y) ? x.substring(y.length()) : x;
    }

    static Object trimSuffix(Object s, Object p) {
        String x = string(s), y = string(p);
        return x.endsWith(y) ? x.substring(0, x.length() - y.length()) : x;
    }

    /** Go's TrimSpace: Unicode white space on both ends. */
    static Object trimSpace(Object s) {
        String x = string(s);
        int i = 0, j = x.length();
        while (i < j && isSpace(x.codePointAt(i))) {
            i += Character.charCount(x.codePointAt(i));
        }
        while (j > i && isSpace(x.codePointBefore(j))) {
            j -= Character.charCount(x.codePointBefore(j));
        }
        return x.substring(i, j);
    }

    private static boolean isSpace(int cp) {
        return cp == ' ' || cp == '\t' || cp == '\n' || cp == 0x0b || cp == '\f' || cp == '\r' || cp == 0x85
                || cp == 0xa0 || Character.isSpaceChar(cp);
    }

    static Object reverse(Object s) {
        return new StringBuilder(string(s)).reverse().toString();
    }
}
