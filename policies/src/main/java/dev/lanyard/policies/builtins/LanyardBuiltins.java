package dev.lanyard.policies.builtins;

import com.styra.opa.wasm.OpaBuiltin;
import com.styra.opa.wasm.OpaWasm;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host builtins every evaluator of Lanyard bundles registers with opa-java-wasm
 * ({@code OpaPolicy.builder().addBuiltins(LanyardBuiltins.all().toArray(...))}). Values cross the boundary as Rego
 * text; a failing builtin (type error, bad argument) returns address 0, i.e. undefined, as OPA's WASM does.
 */
public final class LanyardBuiltins {
    /** A builtin body over Java values; returns null for undefined. */
    @FunctionalInterface
    interface Fn {
        Object apply(Object[] args);
    }

    record Def(String name, int arity, Fn fn) {}

    private static final Map<String, Def> DEFS = defs(Clock.systemUTC());

    private LanyardBuiltins() {}

    public static List<OpaBuiltin.Builtin> all() {
        List<OpaBuiltin.Builtin> out = new ArrayList<>();
        for (Def d : DEFS.values()) {
            out.add(wrap(d.name(), d));
            String alias = HostNames.hostName(d.name());
            if (!alias.equals(d.name())) {
                out.add(wrap(alias, d));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Names implemented on the host (the catalog entries the backend does not lower inline). */
    public static java.util.Set<String> names() {
        return DEFS.keySet();
    }

    /** Calls a builtin directly on Java values (tests, tools); null means undefined. */
    public static Object call(String name, Object... args) {
        Def d = DEFS.get(name);
        if (d == null || d.arity() != args.length) {
            throw new IllegalArgumentException("no builtin " + name + "/" + args.length);
        }
        try {
            return d.fn().apply(args);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static OpaBuiltin.Builtin wrap(String name, Def d) {
        return new HostBuiltin(name, d);
    }

    /** One builtin as opa-java-wasm sees it; only the entry point of its own arity is ever called. */
    private record HostBuiltin(String name, Def def) implements OpaBuiltin.Builtin {
        @Override
        public int asBuiltin0(OpaWasm w) {
            return invoke(w, def);
        }

        @Override
        public int asBuiltin1(OpaWasm w, int a) {
            return invoke(w, def, a);
        }

        @Override
        public int asBuiltin2(OpaWasm w, int a, int b) {
            return invoke(w, def, a, b);
        }

        @Override
        public int asBuiltin3(OpaWasm w, int a, int b, int c) {
            return invoke(w, def, a, b, c);
        }

        @Override
        public int asBuiltin4(OpaWasm w, int a, int b, int c, int e) {
            return invoke(w, def, a, b, c, e);
        }
    }

    private static int invoke(OpaWasm w, Def d, int... addrs) {
        if (addrs.length != d.arity()) {
            throw new IllegalStateException(d.name() + " takes " + d.arity() + " arguments, called with " + addrs.length);
        }
        Object result;
        try {
            Object[] args = new Object[addrs.length];
            for (int i = 0; i < addrs.length; i++) {
                args[i] = ValueIO.read(w, addrs[i]);
            }
            result = d.fn().apply(args);
        } catch (RuntimeException e) {
            return 0;
        }
        return result == null ? 0 : ValueIO.write(w, result);
    }

    private static Map<String, Def> defs(Clock clock) {
        Map<String, Def> m = new LinkedHashMap<>();
        // operators
        def2(m, "plus", Numbers::plus);
        def2(m, "minus", Numbers::minus);
        def2(m, "mul", Numbers::mul);
        def2(m, "div", Numbers::div);
        def2(m, "rem", Numbers::rem);
        def2(m, "and", CollectionOps::and);
        def2(m, "or", CollectionOps::or);
        def2(m, "equal", (a, b) -> RegoOrder.INSTANCE.compare(a, b) == 0);
        def2(m, "neq", (a, b) -> RegoOrder.INSTANCE.compare(a, b) != 0);
        def2(m, "lt", (a, b) -> RegoOrder.INSTANCE.compare(a, b) < 0);
        def2(m, "lte", (a, b) -> RegoOrder.INSTANCE.compare(a, b) <= 0);
        def2(m, "gt", (a, b) -> RegoOrder.INSTANCE.compare(a, b) > 0);
        def2(m, "gte", (a, b) -> RegoOrder.INSTANCE.compare(a, b) >= 0);
        // numbers and aggregates
        def1(m, "count", CollectionOps::count);
        def1(m, "sum", Numbers::sum);
        def1(m, "product", Numbers::product);
        def1(m, "max", Numbers::max);
        def1(m, "min", Numbers::min);
        def1(m, "sort", CollectionOps::sort);
        def1(m, "abs", Numbers::abs);
        def1(m, "round", Numbers::round);
        def1(m, "ceil", Numbers::ceil);
        def1(m, "floor", Numbers::floor);
        def1(m, "union", CollectionOps::union);
        def1(m, "intersection", CollectionOps::intersection);
        def1(m, "to_number", Numbers::toNumber);
        def2(m, "format_int", Numbers::formatInt);
        def2(m, "numbers.range", Numbers::range);
        // arrays and objects
        def2(m, "array.concat", CollectionOps::arrayConcat);
        def3(m, "array.slice", CollectionOps::arraySlice);
        def1(m, "array.reverse", CollectionOps::arrayReverse);
        def3(m, "object.get", CollectionOps::objectGet);
        def1(m, "object.keys", CollectionOps::objectKeys);
        def2(m, "object.union", CollectionOps::objectUnion);
        def2(m, "object.remove", CollectionOps::objectRemove);
        def1(m, "walk", CollectionOps::walk);
        // strings
        def2(m, "concat", Strings::concat);
        def2(m, "contains", Strings::contains);
        def2(m, "startswith", Strings::startswith);
        def2(m, "endswith", Strings::endswith);
        def1(m, "lower", Strings::lower);
        def1(m, "upper", Strings::upper);
        def2(m, "split", Strings::split);
        def2(m, "sprintf", Sprintf::sprintf);
        def3(m, "replace", Strings::replace);
        def3(m, "substring", Strings::substring);
        def2(m, "indexof", Strings::indexof);
        def2(m, "trim", Strings::trim);
        def2(m, "trim_left", Strings::trimLeftFn);
        def2(m, "trim_right", Strings::trimRightFn);
        def2(m, "trim_prefix", Strings::trimPrefix);
        def2(m, "trim_suffix", Strings::trimSuffix);
        def1(m, "trim_space", Strings::trimSpace);
        def1(m, "strings.reverse", Strings::reverse);
        // types (the backend lowers these inline; host versions keep the library complete)
        def1(m, "type_name", Values::typeName);
        // matching, network, time, encodings, tokens, units
        def3(m, "glob.match", Glob::match);
        def2(m, "regex.match", Regex::match);
        def2(m, "net.cidr_contains", Cidr::contains);
        m.put("time.now_ns", new Def("time.now_ns", 0, a -> Time.nowNs(clock)));
        def1(m, "time.parse_rfc3339_ns", Time::parseRfc3339Ns);
        def1(m, "json.marshal", Encoding::jsonMarshal);
        def1(m, "json.unmarshal", Encoding::jsonUnmarshal);
        def1(m, "json.is_valid", Encoding::jsonIsValid);
        def1(m, "base64.encode", Encoding::base64Encode);
        def1(m, "base64.decode", Encoding::base64Decode);
        def1(m, "base64url.encode", Encoding::base64UrlEncode);
        def1(m, "base64url.decode", Encoding::base64UrlDecode);
        def1(m, "io.jwt.decode", Encoding::jwtDecode);
        def1(m, "units.parse", Units::parse);
        def1(m, "units.parse_bytes", Units::parseBytes);
        return Collections.unmodifiableMap(m);
    }

    private interface F1 {
        Object apply(Object a);
    }

    private interface F2 {
        Object apply(Object a, Object b);
    }

    private interface F3 {
        Object apply(Object a, Object b, Object c);
    }

    private static void def1(Map<String, Def> m, String name, F1 f) {
        m.put(name, new Def(name, 1, a -> f.apply(a[0])));
    }

    private static void def2(Map<String, Def> m, String name, F2 f) {
        m.put(name, new Def(name, 2, a -> f.apply(a[0], a[1])));
    }

    private static void def3(Map<String, Def> m, String name, F3 f) {
        m.put(name, new Def(name, 3, a -> f.apply(a[0], a[1], a[2])));
    }
}
