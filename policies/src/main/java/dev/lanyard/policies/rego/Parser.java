package dev.lanyard.policies.rego;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Recursive-descent parser for Rego v1. Operators become {@link Term.Call}s of their builtin names; `x in xs` becomes
 * {@code internal.member_2}, `k, v in xs` {@code internal.member_3}.
 */
public final class Parser {
    private static final Set<String> KEYWORDS = Set.of("not", "with", "as", "some", "every", "in", "if", "contains",
        "else", "default", "import", "package", "true", "false", "null");
    /** Wildcards must stay distinct across all modules and queries compiled together. */
    private static final AtomicLong WILDCARDS = new AtomicLong();

    private final List<Token> toks;
    private int p;

    private Parser(Source source) {
        this.toks = Lexer.tokenize(source);
    }

    public static Module parseModule(Source source) {
        return new Parser(source).module(source.file());
    }

    /** Parses a query: literals separated by ';' or newlines. */
    public static List<Expr> parseQuery(Source source) {
        Parser ps = new Parser(source);
        List<Expr> body = ps.queryUntil(null);
        ps.expectEof();
        return body;
    }

    /** Parses a single term (used for Rego-syntax input documents). */
    public static Term parseTerm(Source source) {
        Parser ps = new Parser(source);
        Term t = ps.exprTerm(false);
        ps.expectEof();
        return t;
    }

    // ---- token helpers

    private Token peek() {
        return toks.get(p);
    }

    private Token peek(int ahead) {
        return toks.get(Math.min(p + ahead, toks.size() - 1));
    }

    private Token next() {
        Token t = toks.get(p);
        if (t.kind() != Token.Kind.EOF) p++;
        return t;
    }

    private boolean at(String s) {
        Token t = peek();
        return t.is(s) && (t.kind() == Token.Kind.PUNCT || KEYWORDS.contains(s));
    }

    private boolean accept(String s) {
        if (at(s)) {
            p++;
            return true;
        }
        return false;
    }

    private Token expect(String s) {
        if (!at(s)) throw error(peek(), "expected '" + s + "'");
        return next();
    }

    private void expectEof() {
        if (peek().kind() != Token.Kind.EOF) throw error(peek(), "unexpected " + describe(peek()));
    }

    private static RegoCompileException error(Token t, String msg) {
        return RegoCompileException.at(t.pos(), "rego_parse_error: " + msg + (t.kind() == Token.Kind.EOF ? " at end of input" : ""));
    }

    private static String describe(Token t) {
        return t.kind() == Token.Kind.EOF ? "end of input" : "token '" + t.text() + "'";
    }

    private String ident() {
        Token t = peek();
        if (t.kind() != Token.Kind.IDENT || KEYWORDS.contains(t.text())) throw error(t, "expected identifier, got " + describe(t));
        p++;
        return t.text();
    }

    private boolean atIdent() {
        Token t = peek();
        return t.kind() == Token.Kind.IDENT && !KEYWORDS.contains(t.text());
    }

    // ---- module level

    private Module module(String file) {
        Pos pos = peek().pos();
        expect("package");
        List<String> pkg = new ArrayList<>();
        pkg.add(ident());
        while (true) {
            if (accept(".")) {
                pkg.add(ident());
            } else if (at("[") && !peek().nlBefore()) {
                next();
                Token s = next();
                if (s.kind() != Token.Kind.STRING) throw error(s, "package path segments must be strings");
                pkg.add(s.text());
                expect("]");
            } else {
                break;
            }
        }
        List<Module.Import> imports = new ArrayList<>();
        while (at("import")) imports.add(importDecl());
        List<Rule> rules = new ArrayList<>();
        while (peek().kind() != Token.Kind.EOF) {
            if (at("import")) throw error(peek(), "imports must appear before rules");
            rules.add(rule());
        }
        return new Module(file, pkg, imports, rules, pos);
    }

    private Module.Import importDecl() {
        Token kw = expect("import");
        String root = ident();
        List<String> path = new ArrayList<>();
        while (true) {
            if (accept(".")) {
                path.add(ident());
            } else if (at("[") && !peek().nlBefore()) {
                next();
                Token s = next();
                if (s.kind() != Token.Kind.STRING) throw error(s, "import path segments must be strings");
                path.add(s.text());
                expect("]");
            } else {
                break;
            }
        }
        String alias = null;
        if (accept("as")) alias = ident();
        if (!root.equals("data") && !root.equals("input") && !root.equals("rego") && !root.equals("future")) {
            throw RegoCompileException.at(kw.pos(), "rego_parse_error: unexpected import path, must begin with input or data");
        }
        return new Module.Import(root, path, alias, kw.pos());
    }

    private Rule rule() {
        boolean isDefault = accept("default");
        Pos pos = peek().pos();
        List<Term> ref = new ArrayList<>();
        ref.add(new Term.Str(ident(), pos));
        while (true) {
            if (at(".")) {
                next();
                Token t = peek();
                ref.add(new Term.Str(ident(), t.pos()));
            } else if (at("[") && !peek().nlBefore()) {
                next();
                ref.add(exprTerm(false));
                expect("]");
            } else {
                break;
            }
        }
        List<Term> args = null;
        if (at("(") && !peek().nlBefore()) {
            next();
            args = new ArrayList<>();
            if (!at(")")) {
                do {
                    args.add(exprTerm(false));
                } while (accept(","));
            }
            expect(")");
        }
        Term key = null;
        Term value;
        boolean contains = false;
        if (accept("contains")) {
            contains = true;
            key = exprTerm(false);
            value = null;
        } else if (accept(":=") || accept("=")) {
            value = exprTerm(false);
        } else {
            value = new Term.Bool(true, pos);
        }
        List<String> path = new ArrayList<>();
        List<Term> prefixKeys = new ArrayList<>();
        int firstVar = -1;
        for (int i = 1; i < ref.size() && firstVar < 0; i++) if (!(ref.get(i) instanceof Term.Str)) firstVar = i;
        Rule.Kind kind;
        if (args != null) {
            kind = Rule.Kind.FUNCTION;
            for (Term t : ref) path.add(groundSegment(t));
        } else if (contains) {
            kind = Rule.Kind.PARTIAL_SET;
            int ground = firstVar < 0 ? ref.size() : firstVar;
            for (Term t : ref.subList(0, ground)) path.add(((Term.Str) t).value());
            prefixKeys.addAll(ref.subList(ground, ref.size()));
        } else if (firstVar < 0) {
            kind = Rule.Kind.COMPLETE;
            for (Term t : ref) path.add(groundSegment(t));
        } else {
            kind = Rule.Kind.PARTIAL_OBJECT;
            key = ref.get(ref.size() - 1);
            for (Term t : ref.subList(0, firstVar)) path.add(((Term.Str) t).value());
            prefixKeys.addAll(ref.subList(firstVar, ref.size() - 1));
        }
        if (isDefault) {
            if (kind != Rule.Kind.COMPLETE && kind != Rule.Kind.FUNCTION) {
                throw RegoCompileException.at(pos, "rego_parse_error: default rules must be complete rules or functions");
            }
            if (value == null) throw RegoCompileException.at(pos, "rego_parse_error: default rule requires a value");
            return new Rule(pos, kind, true, path, args == null ? List.of() : args, null, value, List.of(), null);
        }
        List<Expr> body = ruleBody(pos);
        Rule elseRule = elseChain(kind, path, args, key);
        return new Rule(pos, kind, false, path, args == null ? List.of() : args, key, prefixKeys, value, body, elseRule);
    }

    private static String groundSegment(Term t) {
        if (t instanceof Term.Str s) return s.value();
        throw RegoCompileException.at(t.pos(), "unsupported: rule head reference with a non-string segment before the last");
    }

    private List<Expr> ruleBody(Pos headPos) {
        if (accept("if")) {
            if (at("{")) return block();
            Expr lit = literal();
            return List.of(lit);
        }
        if (at("{") && !peek().nlBefore()) {
            throw error(peek(), "`if` keyword is required before rule body");
        }
        return List.of(new Expr(new Expr.TermNode(new Term.Bool(true, headPos)), headPos));
    }

    private Rule elseChain(Rule.Kind kind, List<String> path, List<Term> args, Term key) {
        if (!at("else")) return null;
        Token kw = next();
        if (kind != Rule.Kind.COMPLETE && kind != Rule.Kind.FUNCTION) {
            throw RegoCompileException.at(kw.pos(), "rego_parse_error: else keyword cannot be used on multi-value rules");
        }
        Term value = new Term.Bool(true, kw.pos());
        if (accept(":=") || accept("=")) value = exprTerm(false);
        List<Expr> body = ruleBody(kw.pos());
        Rule rest = elseChain(kind, path, args, key);
        return new Rule(kw.pos(), kind, false, path, args == null ? List.of() : args, null, value, body, rest);
    }

    // ---- bodies

    private List<Expr> block() {
        expect("{");
        List<Expr> body = queryUntil("}");
        expect("}");
        if (body.isEmpty()) throw error(peek(), "found empty body");
        return body;
    }

    private List<Expr> queryUntil(String end) {
        List<Expr> out = new ArrayList<>();
        while (true) {
            while (accept(";")) {
                // empty separators
            }
            Token t = peek();
            if (t.kind() == Token.Kind.EOF || (end != null && at(end))) return out;
            if (!out.isEmpty() && !t.nlBefore() && !toks.get(p - 1).is(";")) {
                throw error(t, "unexpected " + describe(t) + ", expected end of expression");
            }
            out.add(literal());
        }
    }

    private Expr literal() {
        Token start = peek();
        Pos pos = start.pos();
        if (accept("some")) {
            Term first = exprTerm(true);
            Term second = null;
            if (accept(",")) {
                second = exprTerm(true);
                if (!at("in")) {
                    List<Term.Var> vars = new ArrayList<>();
                    vars.add(asVar(first));
                    vars.add(asVar(second));
                    while (accept(",")) vars.add(asVar(exprTerm(true)));
                    return new Expr(new Expr.Some(vars), pos);
                }
            }
            if (accept("in")) {
                Term domain = exprTerm(true);
                Expr e = second == null
                    ? new Expr(new Expr.SomeIn(null, first, domain), pos)
                    : new Expr(new Expr.SomeIn(first, second, domain), pos);
                return withModifiers(e);
            }
            return new Expr(new Expr.Some(List.of(asVar(first))), pos);
        }
        boolean negatedEvery = at("not") && peek(1).is("every");
        if (negatedEvery) next();
        if (accept("every")) {
            Term.Var a = asVar(primary());
            Term.Var b = null;
            if (accept(",")) b = asVar(primary());
            expect("in");
            Term domain = exprTerm(true);
            List<Expr> body = block();
            Expr.Every every = b == null ? new Expr.Every(null, a, domain, body) : new Expr.Every(a, b, domain, body);
            return withModifiers(new Expr(every, negatedEvery, List.of(), pos));
        }
        boolean negated = accept("not");
        Term t = exprTerm(false);
        Expr.Node node;
        if (at(",") && !negated) {
            // `k, v in xs` at the top of a literal
            next();
            Term v = exprTerm(true);
            expect("in");
            Term domain = exprTerm(true);
            t = new Term.Call("internal.member_3", List.of(t, v, domain), t.pos());
            node = new Expr.TermNode(t);
        } else if (at(":=")) {
            Token op = next();
            if (negated) throw error(op, "cannot negate an assignment");
            node = new Expr.Assign(t, exprTerm(false));
        } else if (accept("=")) {
            node = new Expr.Unify(t, exprTerm(false));
        } else {
            node = new Expr.TermNode(t);
        }
        return withModifiers(new Expr(node, negated, List.of(), pos));
    }

    private Expr withModifiers(Expr e) {
        List<Expr.With> withs = new ArrayList<>();
        while (at("with")) {
            Token kw = next();
            Term target = primary();
            expect("as");
            Term value = exprTerm(false);
            withs.add(new Expr.With(target, value, kw.pos()));
        }
        if (withs.isEmpty()) return e;
        return new Expr(e.node(), e.negated(), withs, e.pos());
    }

    private Term.Var asVar(Term t) {
        if (t instanceof Term.Var v) return v;
        throw RegoCompileException.at(t.pos(), "rego_parse_error: expected variable");
    }

    // ---- expressions, lowest precedence first

    /** @param noIn stop before a top-level `in` (used by `some … in` and `every … in`) */
    private Term exprTerm(boolean noIn) {
        return inExpr(noIn, false);
    }

    private Term inExpr(boolean noIn, boolean noOr) {
        Term left = orExpr(noOr);
        while (!noIn && at("in")) {
            Token op = next();
            Term right = orExpr(noOr);
            left = new Term.Call("internal.member_2", List.of(left, right), op.pos());
        }
        return left;
    }

    private Term orExpr(boolean noOr) {
        Term left = andExpr();
        while (!noOr && at("|")) {
            Token op = next();
            left = new Term.Call("or", List.of(left, andExpr()), op.pos());
        }
        return left;
    }

    private Term andExpr() {
        Term left = relExpr();
        while (at("&")) {
            Token op = next();
            left = new Term.Call("and", List.of(left, relExpr()), op.pos());
        }
        return left;
    }

    private Term relExpr() {
        Term left = arith();
        while (true) {
            String name;
            if (at("==")) name = "equal";
            else if (at("!=")) name = "neq";
            else if (at("<")) name = "lt";
            else if (at("<=")) name = "lte";
            else if (at(">")) name = "gt";
            else if (at(">=")) name = "gte";
            else return left;
            Token op = next();
            left = new Term.Call(name, List.of(left, arith()), op.pos());
        }
    }

    private Term arith() {
        Term left = factor();
        while (true) {
            String name;
            if (at("+")) name = "plus";
            else if (at("-")) name = "minus";
            else return left;
            Token op = next();
            left = new Term.Call(name, List.of(left, factor()), op.pos());
        }
    }

    private Term factor() {
        Term left = unary();
        while (true) {
            String name;
            if (at("*")) name = "mul";
            else if (at("/")) name = "div";
            else if (at("%")) name = "rem";
            else return left;
            Token op = next();
            left = new Term.Call(name, List.of(left, unary()), op.pos());
        }
    }

    private Term unary() {
        if (at("-")) {
            Token op = next();
            Token n = peek();
            if (n.kind() == Token.Kind.NUMBER && n.pos().line() == op.pos().line()
                && n.pos().col() == op.pos().col() + 1) {
                next();
                return refTail(new Term.Num("-" + n.text(), op.pos()));
            }
            Term operand = unary();
            return new Term.Call("minus", List.of(new Term.Num("0", op.pos()), operand), op.pos());
        }
        return primary();
    }

    // ---- primary terms

    private Term primary() {
        Token t = peek();
        Pos pos = t.pos();
        switch (t.kind()) {
            case NUMBER -> {
                next();
                return refTail(new Term.Num(t.text(), pos));
            }
            case STRING -> {
                next();
                return refTail(new Term.Str(t.text(), pos));
            }
            case EOF -> throw error(t, "unexpected end of input");
            default -> {
            }
        }
        if (t.kind() == Token.Kind.IDENT) {
            switch (t.text()) {
                case "true" -> {
                    next();
                    return new Term.Bool(true, pos);
                }
                case "false" -> {
                    next();
                    return new Term.Bool(false, pos);
                }
                case "null" -> {
                    next();
                    return new Term.Null(pos);
                }
                default -> {
                }
            }
            // `contains` and `set` are keywords/idents that also name builtin calls: contains(s, x), set()
            if (t.text().equals("contains") && peek(1).is("(") && !peek(1).nlBefore()) {
                next();
                return refTail(callArgs("contains", pos));
            }
            if (t.text().equals("set") && peek(1).is("(") && peek(2).is(")") && !peek(1).nlBefore()) {
                p += 3;
                return new Term.SetTerm(List.of(), pos);
            }
            String name = ident();
            Term.Var head = name.equals("_") ? new Term.Var("$" + WILDCARDS.incrementAndGet(), pos) : new Term.Var(name, pos);
            // a dotted operator name followed by '(' is a call
            List<String> dotted = new ArrayList<>();
            dotted.add(name);
            int save = p;
            while (at(".") && peek(1).kind() == Token.Kind.IDENT) {
                next();
                dotted.add(next().text());
            }
            if (at("(") && !peek().nlBefore() && !name.equals("_")) {
                return refTail(callArgs(String.join(".", dotted), pos));
            }
            p = save;
            return refTail(head);
        }
        if (at("(")) {
            next();
            Term inner = exprTerm(false);
            expect(")");
            return refTail(inner);
        }
        if (at("[")) return refTail(arrayLiteral());
        if (at("{")) return refTail(braceLiteral());
        throw error(t, "unexpected " + describe(t));
    }

    private Term.Call callArgs(String name, Pos pos) {
        expect("(");
        List<Term> args = new ArrayList<>();
        if (!at(")")) {
            do {
                args.add(exprTerm(false));
            } while (accept(","));
        }
        expect(")");
        return new Term.Call(name, args, pos);
    }

    /** Reference segments after a head term; '[' on a new line starts a new expression instead. */
    private Term refTail(Term head) {
        List<Term> path = new ArrayList<>();
        while (true) {
            // keywords are accepted after a dot (input.contains), as OPA does
            if (at(".") && peek(1).kind() == Token.Kind.IDENT) {
                next();
                Token k = next();
                path.add(new Term.Str(k.text(), k.pos()));
            } else if (at("[") && !peek().nlBefore()) {
                next();
                path.add(exprTerm(false));
                expect("]");
            } else {
                break;
            }
        }
        if (path.isEmpty()) return head;
        if (head instanceof Term.Ref r) {
            List<Term> all = new ArrayList<>(r.path());
            all.addAll(path);
            return new Term.Ref(r.head(), all, r.pos());
        }
        return new Term.Ref(head, path, head.pos());
    }

    private Term arrayLiteral() {
        Token open = expect("[");
        List<Term> items = new ArrayList<>();
        if (accept("]")) return new Term.ArrayTerm(items, open.pos());
        Term first = inExpr(false, true);
        if (accept("|")) {
            List<Expr> body = queryUntil("]");
            expect("]");
            if (body.isEmpty()) throw error(peek(), "empty comprehension body");
            return new Term.ArrayCompr(first, body, open.pos());
        }
        items.add(first);
        while (accept(",")) {
            if (at("]")) break;
            items.add(exprTerm(false));
        }
        expect("]");
        return new Term.ArrayTerm(items, open.pos());
    }

    private Term braceLiteral() {
        Token open = expect("{");
        if (accept("}")) return new Term.ObjectTerm(List.of(), List.of(), open.pos());
        Term first = inExpr(false, true);
        if (accept(":")) {
            Term v = inExpr(false, true);
            if (accept("|")) {
                List<Expr> body = queryUntil("}");
                expect("}");
                if (body.isEmpty()) throw error(peek(), "empty comprehension body");
                return new Term.ObjectCompr(first, v, body, open.pos());
            }
            List<Term> keys = new ArrayList<>();
            List<Term> vals = new ArrayList<>();
            keys.add(first);
            vals.add(v);
            while (accept(",")) {
                if (at("}")) break;
                keys.add(exprTerm(false));
                expect(":");
                vals.add(exprTerm(false));
            }
            expect("}");
            return new Term.ObjectTerm(keys, vals, open.pos());
        }
        if (accept("|")) {
            List<Expr> body = queryUntil("}");
            expect("}");
            if (body.isEmpty()) throw error(peek(), "empty comprehension body");
            return new Term.SetCompr(first, body, open.pos());
        }
        List<Term> items = new ArrayList<>();
        items.add(first);
        while (accept(",")) {
            if (at("}")) break;
            items.add(exprTerm(false));
        }
        expect("}");
        return new Term.SetTerm(items, open.pos());
    }
}
