package dev.lanyard.policies.builtins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OPA semantics of the host builtins, called directly on Java values (null = undefined). */
class LanyardBuiltinsTest {
    static Object call(String name, Object... args) {
        return LanyardBuiltins.call(name, args);
    }

    static Object v(String regoText) {
        return RegoText.parse(regoText);
    }

    static String text(Object value) {
        return value == null ? "undefined" : RegoText.format(value, RegoText.Style.REGO);
    }

    static void check(String expected, String name, String... args) {
        Object[] a = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = v(args[i]);
        }
        assertEquals(expected, text(call(name, a)), name + " " + String.join(", ", args));
    }

    @Test
    void arithmeticKeepsPrecision() {
        check("12345678901234567891.5", "plus", "12345678901234567890.5", "1");
        check("0.3", "plus", "0.1", "0.2");
        check("3.5", "div", "7", "2");
        check("3", "div", "6", "2");
        check("0.3333333333333333333333333333333333", "div", "1", "3");
        check("undefined", "div", "1", "0");
        check("-1", "rem", "-7", "2");
        check("1", "rem", "7", "-2");
        check("undefined", "rem", "7.5", "2");
        check("undefined", "rem", "7", "0");
        check("100000000000000000000", "mul", "10000000000", "10000000000");
        check("undefined", "plus", "1", "\"a\"");
        check("{1}", "minus", "{1,2}", "{2}");
        check("3", "round", "2.5");
        check("-3", "round", "-2.5");
        check("2", "floor", "2.7");
        check("-2", "ceil", "-2.7");
        check("6", "sum", "[1,2,3]");
        check("undefined", "max", "[]");
        check("\"b\"", "max", "[1,\"a\",\"b\"]");
        check("[null,false,1,\"a\",[1],{\"a\":1},{1}]", "sort", "[{1},{\"a\":1},[1],\"a\",1,false,null]");
    }

    @Test
    void formatIntAndToNumber() {
        check("\"ff\"", "format_int", "255", "16");
        check("\"-11\"", "format_int", "-3.9", "2");
        check("\"377\"", "format_int", "255", "8");
        check("undefined", "format_int", "255", "7");
        check("10", "to_number", "\"10\"");
        check("-1.5", "to_number", "\"-1.5\"");
        check("1", "to_number", "true");
        check("0", "to_number", "null");
        check("undefined", "to_number", "\"0x10\"");
        check("undefined", "to_number", "\"abc\"");
    }

    @Test
    void sprintfVerbs() {
        check("\"a=1 b=x c=true\"", "sprintf", "\"a=%d b=%s c=%v\"", "[1,\"x\",true]");
        check("\"1.500000|1.50|1.5\"", "sprintf", "\"%f|%.2f|%v\"", "[1.5,1.5,1.5]");
        check("\"[1, \\\"a\\\"] {\\\"k\\\": 1}\"", "sprintf", "\"%v %v\"", "[[1,\"a\"],{\"k\":1}]");
        check("\"ff|FF|11\"", "sprintf", "\"%x|%X|%b\"", "[255,255,3]");
        check("\"  007|x   |\\\"q\\\"\"", "sprintf", "\"%5.3s|%-4s|%q\"", "[\"007x\",\"x\",\"q\"]");
        check("\"00042\"", "sprintf", "\"%05d\"", "[42]");
        check("\"%!d(string=x)\"", "sprintf", "\"%d\"", "[\"x\"]");
        check("\"%!s(int=1)\"", "sprintf", "\"%s\"", "[1]");
        check("\"123456789123456789123\"", "sprintf", "\"%s\"", "[123456789123456789123]");
        check("\"1 %!d(MISSING)\"", "sprintf", "\"%d %d\"", "[1]");
        check("\"1e-05 1.0000005e+06 100%\"", "sprintf", "\"%v %v 100%%\"", "[0.00001, 1000000.5]");
    }

    @Test
    void globMatchWithDelimiters() {
        check("true", "glob.match", "\"*.github.com\"", "[]", "\"api.github.com\"");
        check("false", "glob.match", "\"*.github.com\"", "[]", "\"api.cdn.github.com\"");
        check("true", "glob.match", "\"**.github.com\"", "[]", "\"api.cdn.github.com\"");
        check("true", "glob.match", "\"*.github.com\"", "null", "\"api.cdn.github.com\"");
        check("true", "glob.match", "\"*:github:com\"", "[\":\"]", "\"api:github:com\"");
        check("true", "glob.match", "\"tools/{read,list}_*\"", "[\"/\"]", "\"tools/read_file\"");
        check("false", "glob.match", "\"tools/{read,list}_*\"", "[\"/\"]", "\"tools/write_file\"");
        check("true", "glob.match", "\"[a-c]?t\"", "[]", "\"bat\"");
        check("false", "glob.match", "\"[!a-c]?t\"", "[]", "\"bat\"");
        check("true", "glob.match", "\"a\\\\*b\"", "[]", "\"a*b\"");
        check("false", "glob.match", "\"a\\\\*b\"", "[]", "\"axb\"");
    }

    @Test
    void regexMatchRe2Subset() {
        check("true", "regex.match", "\"^[a-z]+$\"", "\"abc\"");
        check("false", "regex.match", "\"^[a-z]+$\"", "\"abc\\n\"");
        check("true", "regex.match", "\"b\"", "\"abc\"");
        check("true", "regex.match", "\"^(?P<x>a)b\"", "\"abc\"");
        check("true", "regex.match", "\"[[:digit:]]+\"", "\"x12\"");
        check("undefined", "regex.match", "\"(a)\\\\1\"", "\"aa\"");
        check("undefined", "regex.match", "\"a(?=b)\"", "\"ab\"");
        check("undefined", "regex.match", "\"[\"", "\"a\"");
    }

    @Test
    void cidrContains() {
        check("true", "net.cidr_contains", "\"10.0.0.0/8\"", "\"10.1.2.3\"");
        check("false", "net.cidr_contains", "\"10.0.0.0/8\"", "\"11.1.2.3\"");
        check("true", "net.cidr_contains", "\"10.0.0.0/8\"", "\"10.1.0.0/16\"");
        check("false", "net.cidr_contains", "\"10.1.0.0/16\"", "\"10.0.0.0/8\"");
        check("true", "net.cidr_contains", "\"2001:db8::/32\"", "\"2001:db8::1\"");
        check("false", "net.cidr_contains", "\"2001:db8::/32\"", "\"10.0.0.1\"");
        check("undefined", "net.cidr_contains", "\"10.0.0.0/33\"", "\"10.0.0.1\"");
        check("undefined", "net.cidr_contains", "\"10.0.0.0/8\"", "\"example.com\"");
    }

    @Test
    void unitsAndTime() {
        check("10000", "units.parse", "\"10K\"");
        check("0.1", "units.parse", "\"100m\"");
        check("1048576", "units.parse", "\"1Mi\"");
        check("1500000000", "units.parse", "\"1.5G\"");
        check("undefined", "units.parse", "\"10Q\"");
        check("1024", "units.parse_bytes", "\"1KiB\"");
        check("1500", "units.parse_bytes", "\"1.5kb\"");
        check("5", "units.parse_bytes", "\"5\"");
        check("1136214245000000000", "time.parse_rfc3339_ns", "\"2006-01-02T15:04:05Z\"");
        check("1136185445123456789", "time.parse_rfc3339_ns", "\"2006-01-02T15:04:05.123456789+08:00\"");
        check("undefined", "time.parse_rfc3339_ns", "\"2006-01-02 15:04:05\"");
    }

    @Test
    void jwtDecodeAndEncodings() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String token = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("{\"sub\":\"agent-1\",\"n\":1.50}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(new byte[] {(byte) 0xde, (byte) 0xad});
        Object r = call("io.jwt.decode", token);
        assertEquals("[{\"alg\":\"HS256\",\"typ\":\"JWT\"},{\"n\":1.50,\"sub\":\"agent-1\"},\"dead\"]", text(r));
        assertNull(call("io.jwt.decode", "a.b"));
        check("\"aGk=\"", "base64.encode", "\"hi\"");
        check("\"hi\"", "base64.decode", "\"aGk=\"");
        check("\"hi\"", "base64url.decode", "\"aGk\"");
        check("\"{\\\"a\\\":[1,2],\\\"b\\\":[1]}\"", "json.marshal", "{\"b\":{1},\"a\":[1,2]}");
        check("{\"a\":[1,2.50]}", "json.unmarshal", "\"{\\\"a\\\": [1, 2.50]}\"");
        check("undefined", "json.unmarshal", "\"{1}\"");
    }

    @Test
    void stringsAndCollections() {
        check("[\"a\",\"b\",\"\"]", "split", "\"a.b.\"", "\".\"");
        check("\"é\"", "substring", "\"héllo\"", "1", "1");
        check("\"llo\"", "substring", "\"héllo\"", "2", "-1");
        check("2", "indexof", "\"héllo\"", "\"l\"");
        check("5", "count", "\"héllo\"");
        check("\"hello\"", "trim", "\"xxhelloxy\"", "\"xy\"");
        check("\"a,b\"", "concat", "\",\"", "{\"b\",\"a\"}");
        check("[2,3]", "array.slice", "[1,2,3,4]", "1", "3");
        check("[]", "array.slice", "[1,2,3,4]", "3", "1");
        check("2", "object.get", "{\"a\":{\"b\":2}}", "[\"a\",\"b\"]", "0");
        check("0", "object.get", "{\"a\":{\"b\":2}}", "\"x\"", "0");
        check("{\"a\":{\"b\":1,\"c\":2}}", "object.union", "{\"a\":{\"b\":1}}", "{\"a\":{\"c\":2}}");
        check("{\"b\":2}", "object.remove", "{\"a\":1,\"b\":2}", "{\"a\"}");
        check("[[[],[1]],[[0],1]]", "walk", "[1]");
        check("{1,2,3}", "union", "{{1,2},{3}}");
        check("{2}", "intersection", "{{1,2},{2,3}}");
    }

    @Test
    void textCodecKeepsSetsAndNonStringKeys() {
        Object x = v("{1:\"a\",\"k\":{set(),{1,2}},[1]:null}");
        assertEquals("{1:\"a\",\"k\":{set(),{1,2}},[1]:null}", text(x));
        assertEquals(new BigDecimal("1.50"), ((Map<?, ?>) v("{\"n\":1.50}")).get("n"));
        assertEquals(List.of(), v("[]"));
    }

    /** Every catalog entry the backend may call on the host has a host implementation of the same arity. */
    @Test
    void catalogAndHostLibraryAgree() {
        for (BuiltinSpec spec : BuiltinCatalog.standard().all()) {
            String n = spec.name();
            if (n.startsWith("internal.member_") || n.startsWith("is_")) {
                continue; // always lowered to WASM
            }
            Object[] args = new Object[spec.arity()];
            java.util.Arrays.fill(args, RegoNull.NULL);
            // throws IllegalArgumentException when the name/arity is not implemented
            LanyardBuiltins.call(n, args);
        }
        org.junit.jupiter.api.Assertions.assertTrue(LanyardBuiltins.all().stream()
                .anyMatch(b -> b.name().equals("lanyard.sprintf")));
    }

    /** Binary data stays bytes (as in Go); text builtins see one U+FFFD per invalid byte, as Go's range does. */
    @Test
    void nonUtf8StringsKeepTheirBytes() {
        Object raw = call("base64.decode", "2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k=");
        assertEquals(RawString.class, raw.getClass());
        assertEquals(new BigDecimal(30), call("count", raw));
        assertEquals("2E84ZuPUd7zfvCZSNEchVpDEIj6PL7JfLpIqyxVG16k=", call("base64.encode", raw));
        assertEquals("\uFFFD\uFFFDa", RawString.goDecode(new byte[] {(byte) 0xe8, (byte) 0x84, 'a'}));
    }
}
