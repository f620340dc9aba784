package dev.lanyard.policies.builtins;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code regex.match} for the RE2 syntax subset that java.util.regex interprets identically. Constructs that are
 * invalid in RE2 (backreferences, lookaround, possessive/atomic groups) or mean something else in Java
 * ({@code \Z}, {@code \h}, {@code \v}...) are rejected, so the call is undefined rather than silently different.
 */
final class Regex {
    private static final int CACHE_LIMIT = 1024;
    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private Regex() {}

    static Object match(Object pattern, Object value) {
        return compile(Values.string(pattern)).matcher(Values.string(value)).find();
    }

    static Pattern compile(String re2) {
        Pattern p = CACHE.get(re2);
        if (p != null) {
            return p;
        }
        try {
            p = Pattern.compile(translate(re2));
        } catch (PatternSyntaxException e) {
            throw new BuiltinError("invalid regex: " + e.getDescription());
        }
        if (CACHE.size() < CACHE_LIMIT) {
            CACHE.put(re2, p);
        }
        return p;
    }

    static String translate(String re) {
        StringBuilder out = new StringBuilder();
        boolean inClass = false;
        boolean multiline = false;
        for (int i = 0; i < re.length(); i++) {
            char c = re.charAt(i);
            if (c == '\\') {
                if (i + 1 >= re.length()) {
                    throw new BuiltinError("trailing backslash");
                }
                char n = re.charAt(++i);
                if (Character.isDigit(n) && n != '0') {
                    throw new BuiltinError("backreferences are not supported by RE2");
                }
                if ("ZhHvVRXkKGgN".indexOf(n) >= 0) {
                    throw new BuiltinError("escape \\" + n + " differs between RE2 and Java");
                }
                out.append('\\').append(n);
                continue;
            }
            if (inClass) {
                if (c == '[' && re.startsWith("[:", i)) {
                    int end = re.indexOf(":]", i + 2);
                    if (end < 0) {
                        throw new BuiltinError("bad POSIX class");
                    }
                    String name = re.substring(i + 2, end);
                    boolean neg = name.startsWith("^");
                    if (name.endsWith("word")) {
                        out.append(neg ? "\\W" : "\\w");
                        i = end + 1;
                        continue;
                    }
                    String cls = posix(neg ? name.substring(1) : name);
                    out.append(neg ? "\\P{" : "\\p{").append(cls).append('}');
                    i = end + 1;
                    continue;
                }
                if (c == '[' || c == '&' && i + 1 < re.length() && re.charAt(i + 1) == '&') {
                    // nested classes and intersections are Java extensions; RE2 treats them literally
                    out.append('\\').append(c);
                    continue;
                }
                if (c == ']') {
                    inClass = false;
                }
                out.append(c);
                continue;
            }
            switch (c) {
                case '[' -> {
                    inClass = true;
                    out.append(c);
                    if (i + 1 < re.length() && re.charAt(i + 1) == '^') {
                        out.append('^');
                        i++;
                    }
                    if (i + 1 < re.length() && re.charAt(i + 1) == ']') {
                        out.append("\\]");
                        i++;
                    }
                }
                case '(' -> {
                    if (re.startsWith("(?P<", i)) {
                        out.append("(?<");
                        i += 3;
                    } else if (re.startsWith("(?=", i) || re.startsWith("(?!", i) || re.startsWith("(?<=", i)
                            || re.startsWith("(?<!", i) || re.startsWith("(?>", i)) {
                        throw new BuiltinError("lookaround and atomic groups are not supported by RE2");
                    } else {
                        if (re.startsWith("(?", i)) {
                            int end = i + 2;
                            while (end < re.length() && Character.isLetter(re.charAt(end)) || end < re.length()
                                    && re.charAt(end) == '-') {
                                end++;
                            }
                            String flags = re.substring(i + 2, end);
                            if (flags.contains("m") && !flags.startsWith("-")) {
                                multiline = true;
                            }
                            for (char fl : flags.toCharArray()) {
                                if ("imsU-".indexOf(fl) < 0) {
                                    throw new BuiltinError("flag " + fl + " is not RE2");
                                }
                            }
                            if (flags.contains("U")) {
                                throw new BuiltinError("ungreedy flag not supported");
                            }
                        }
                        out.append(c);
                    }
                }
                case '$' -> out.append(multiline ? "$" : "\\z");
                case '+', '*', '?', '}' -> {
                    out.append(c);
                    if (i + 1 < re.length() && re.charAt(i + 1) == '+') {
                        throw new BuiltinError("possessive quantifiers are not supported by RE2");
                    }
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String posix(String name) {
        return switch (name) {
            case "alnum" -> "Alnum";
            case "alpha" -> "Alpha";
            case "ascii" -> "ASCII";
            case "blank" -> "Blank";
            case "cntrl" -> "Cntrl";
            case "digit" -> "Digit";
            case "graph" -> "Graph";
            case "lower" -> "Lower";
            case "print" -> "Print";
            case "punct" -> "Punct";
            case "space" -> "Space";
            case "upper" -> "Upper";
            case "xdigit" -> "XDigit";
            default -> throw new BuiltinError("unknown POSIX class " + name);
        };
    }
}
