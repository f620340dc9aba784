package dev.lanyard.policies.rego;

import java.util.ArrayList;
import java.util.List;

/** Splits Rego source into tokens; string tokens carry their decoded value. */
public final class Lexer {
    private static final String[] PUNCT = {
        ":=", "==", "!=", "<=", ">=", ".", ",", ";", ":", "(", ")", "[", "]", "{", "}", "|", "&", "+", "-", "*", "/",
        "%", "=", "<", ">"
    };

    private final String file;
    private final String src;
    private int i;
    private int line = 1;
    private int lineStart;

    private Lexer(Source source) {
        this.file = source.file();
        this.src = source.text();
    }

    public static List<Token> tokenize(Source source) {
        return new Lexer(source).run();
    }

    private Pos pos() {
        return new Pos(file, line, i - lineStart + 1);
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        boolean nl = true;
        while (true) {
            // whitespace and comments
            while (i < src.length()) {
                char c = src.charAt(i);
                if (c == '\n') {
                    nl = true;
                    i++;
                    line++;
                    lineStart = i;
                } else if (c == ' ' || c == '\t' || c == '\r') {
                    i++;
                } else if (c == '#') {
                    while (i < src.length() && src.charAt(i) != '\n') i++;
                } else {
                    break;
                }
            }
            Pos p = pos();
            if (i >= src.length()) {
                out.add(new Token(Token.Kind.EOF, "", p, nl));
                return out;
            }
            char c = src.charAt(i);
            if (Character.isLetter(c) || c == '_') {
                int s = i;
                while (i < src.length() && (Character.isLetterOrDigit(src.charAt(i)) || src.charAt(i) == '_')) i++;
                out.add(new Token(Token.Kind.IDENT, src.substring(s, i), p, nl));
            } else if (Character.isDigit(c)) {
                out.add(new Token(Token.Kind.NUMBER, number(p), p, nl));
            } else if (c == '"') {
                out.add(new Token(Token.Kind.STRING, string(p), p, nl));
            } else if (c == '`') {
                int s = ++i;
                while (i < src.length() && src.charAt(i) != '`') {
                    if (src.charAt(i) == '\n') {
                        line++;
                        lineStart = i + 1;
                    }
                    i++;
                }
                if (i >= src.length()) throw RegoCompileException.at(p, "unterminated raw string");
                out.add(new Token(Token.Kind.STRING, src.substring(s, i++), p, nl));
            } else {
                String punct = null;
                for (String cand : PUNCT) {
                    if (src.startsWith(cand, i)) {
                        punct = cand;
                        break;
                    }
                }
                if (punct == null) throw RegoCompileException.at(p, "unexpected character '" + c + "'");
                i += punct.length();
                out.add(new Token(Token.Kind.PUNCT, punct, p, nl));
            }
            nl = false;
        }
    }

    private String number(Pos p) {
        int s = i;
        while (i < src.length() && Character.isDigit(src.charAt(i))) i++;
        if (i + 1 < src.length() && src.charAt(i) == '.' && Character.isDigit(src.charAt(i + 1))) {
            i++;
            while (i < src.length() && Character.isDigit(src.charAt(i))) i++;
        }
        if (i < src.length() && (src.charAt(i) == 'e' || src.charAt(i) == 'E')) {
            int save = i;
            i++;
            if (i < src.length() && (src.charAt(i) == '+' || src.charAt(i) == '-')) i++;
            if (i < src.length() && Character.isDigit(src.charAt(i))) {
                while (i < src.length() && Character.isDigit(src.charAt(i))) i++;
            } else {
                i = save;
            }
        }
        if (i < src.length() && (Character.isLetter(src.charAt(i)) || src.charAt(i) == '_')) {
            throw RegoCompileException.at(p, "invalid number literal");
        }
        return src.substring(s, i);
    }

    private String string(Pos p) {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
            if (i >= src.length() || src.charAt(i) == '\n') throw RegoCompileException.at(p, "unterminated string");
            char c = src.charAt(i++);
            if (c == '"') return sb.toString();
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i >= src.length()) throw RegoCompileException.at(p, "unterminated string");
            char e = src.charAt(i++);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (i + 4 > src.length()) throw RegoCompileException.at(p, "invalid unicode escape");
                    try {
                        sb.append((char) Integer.parseInt(src.substring(i, i + 4), 16));
                    } catch (NumberFormatException ex) {
                        throw RegoCompileException.at(p, "invalid unicode escape");
                    }
                    i += 4;
                }
                default -> throw RegoCompileException.at(p, "invalid escape sequence \\" + e);
            }
        }
    }
}
