package dev.lanyard.policies.rego;

/**
 * A lexical token. {@code nlBefore} records whether a line break preceded it, because Rego separates body
 * expressions by newlines and a '[' or '(' on a new line must not continue the previous term.
 */
public record Token(Kind kind, String text, Pos pos, boolean nlBefore) {
    public enum Kind { IDENT, STRING, NUMBER, PUNCT, EOF }

    public boolean is(String punctOrKeyword) {
        return (kind == Kind.PUNCT || kind == Kind.IDENT) && text.equals(punctOrKeyword);
    }
}
