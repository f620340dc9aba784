package dev.lanyard.policies.builtins;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * {@code glob.match} with gobwas/glob semantics (as used by OPA): {@code *} matches any run of non-delimiter
 * characters, {@code **} any run at all, {@code ?} one non-delimiter character, {@code [abc]}, {@code [!a-z]},
 * {@code {a,b}} alternatives, {@code \} escapes. Delimiters {@code null} means none; an empty array means ".".
 */
final class Glob {
    private static final int CACHE_LIMIT = 1024;
    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private Glob() {}

    static Object match(Object pattern, Object delimiters, Object value) {
        String p = Values.string(pattern);
        String delims;
        if (delimiters instanceof RegoNull) {
            delims = "";
        } else {
            StringBuilder b = new StringBuilder();
            List<Object> ds = Values.array(delimiters);
            for (Object d : ds) {
                b.append(Values.string(d));
            }
            delims = ds.isEmpty() ? "." : b.toString();
        }
        String key = delims + "\u0000" + p;
        Pattern re = CACHE.get(key);
        if (re == null) {
            re = Pattern.compile(translate(p, delims), Pattern.DOTALL);
            if (CACHE.size() < CACHE_LIMIT) {
                CACHE.put(key, re);
            }
        }
        return re.matcher(Values.string(value)).matches();
    }

    static String translate(String p, String delims) {
        StringBuilder out = new StringBuilder();
        int[] pos = {0};
        translate(p, pos, delims, out, false);
        if (pos[0] != p.length()) {
            throw new BuiltinError("unexpected '" + p.charAt(pos[0]) + "' in glob");
        }
        return out.toString();
    }

    private static String notDelims(String delims) {
        if (delims.isEmpty()) {
            return ".";
        }
        StringBuilder b = new StringBuilder("[^");
        delims.codePoints().forEach(cp -> b.append(Pattern.quote(new String(Character.toChars(cp)))
                .replace("\\Q", "").replace("\\E", "").replaceAll("([\\\\\\]\\[^-])", "\\\\$1")));
        return b.append(']').toString();
    }

    /** Translates until the end, or (inside braces) until an unnested ',' or '}'. */
    private static void translate(String p, int[] pos, String delims, StringBuilder out, boolean inBraces) {
        String single = notDelims(delims);
        while (pos[0] < p.length()) {
            char c = p.charAt(pos[0]);
            if (inBraces && (c == ',' || c == '}')) {
                return;
            }
            pos[0]++;
            switch (c) {
                case '*' -> {
                    if (pos[0] < p.length() && p.charAt(pos[0]) == '*') {
                        pos[0]++;
                        out.append(".*");
                    } else {
                        out.append(single).append('*');
                    }
                }
                case '?' -> out.append(single);
                case '\\' -> {
                    if (pos[0] >= p.length()) {
                        throw new BuiltinError("dangling escape in glob");
                    }
                    out.append(Pattern.quote(String.valueOf(p.charAt(pos[0]++))));
                }
                case '[' -> {
                    int end = p.indexOf(']', pos[0]);
                    if (end < 0) {
                        throw new BuiltinError("unclosed [ in glob");
                    }
                    String body = p.substring(pos[0], end);
                    pos[0] = end + 1;
                    boolean neg = body.startsWith("!");
                    if (neg) {
                        body = body.substring(1);
                    }
                    StringBuilder cls = new StringBuilder(neg ? "[^" : "[");
                    for (int k = 0; k < body.length(); k++) {
                        char ch = body.charAt(k);
                        if (ch == '-' && k > 0 && k < body.length() - 1) {
                            cls.append('-');
                        } else {
                            cls.append(Pattern.quote(String.valueOf(ch)).replace("\\Q", "").replace("\\E", "")
                                    .replaceAll("([\\\\\\]\\[^&-])", "\\\\$1"));
                        }
                    }
                    out.append(cls).append(']');
                }
                case '{' -> {
                    out.append("(?:");
                    while (true) {
                        translate(p, pos, delims, out, true);
                        if (pos[0] >= p.length()) {
                            throw new BuiltinError("unclosed { in glob");
                        }
                        char sep = p.charAt(pos[0]++);
                        if (sep == '}') {
                            break;
                        }
                        out.append('|');
                    }
                    out.append(')');
                }
                default -> out.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inBraces) {
            throw new BuiltinError("unclosed { in glob");
        }
    }
}
