package dev.lanyard.policies.rego;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
    private static List<Token> lex(String s) {
        return Lexer.tokenize(new Source("t.rego", s));
    }

    @Test
    void tokensCarryPositionsAndNewlineFlags() {
        List<Token> ts = lex("p := 1\n  q[x] # comment\n");
        assertEquals("p", ts.get(0).text());
        assertEquals(new Pos("t.rego", 1, 1), ts.get(0).pos());
        assertEquals(":=", ts.get(1).text());
        assertEquals(Token.Kind.NUMBER, ts.get(2).kind());
        Token q = ts.get(3);
        assertEquals("q", q.text());
        assertEquals(new Pos("t.rego", 2, 3), q.pos());
        assertTrue(q.nlBefore());
        assertFalse(ts.get(4).nlBefore());
        assertEquals(Token.Kind.EOF, ts.get(ts.size() - 1).kind());
    }

    @Test
    void multiCharacterOperatorsWin() {
        List<Token> ts = lex("a != b <= c >= d == e := f");
        assertEquals(List.of("a", "!=", "b", "<=", "c", ">=", "d", "==", "e", ":=", "f", ""),
            ts.stream().map(Token::text).toList());
    }

    @Test
    void stringsAreDecoded() {
        assertEquals("a\"b\n\u00e9/", lex("\"a\\\"b\\n\\u00e9\\/\"").get(0).text());
        assertEquals("raw \\n \"q\"", lex("`raw \\n \"q\"`").get(0).text());
    }

    @Test
    void numbersKeepTheirText() {
        assertEquals("123456789012345678901234567890", lex("123456789012345678901234567890").get(0).text());
        assertEquals("1.5e-3", lex("1.5e-3").get(0).text());
        assertEquals("3.0", lex("3.0").get(0).text());
    }

    @Test
    void errorsAreLocated() {
        RegoCompileException e = assertThrows(RegoCompileException.class, () -> lex("p := 1\nq := \"abc"));
        assertEquals(2, e.errors().get(0).line());
        assertEquals(6, e.errors().get(0).col());
        RegoCompileException bad = assertThrows(RegoCompileException.class, () -> lex("x := 1 ^ 2"));
        assertEquals(8, bad.errors().get(0).col());
    }
}
