package dev.lanyard.policies.builtins;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** JSON, base64 and JWT decoding builtins. */
final class Encoding {
    private Encoding() {}

    static Object jsonMarshal(Object v) {
        return RegoText.format(v, RegoText.Style.JSON);
    }

    static Object jsonUnmarshal(Object s) {
        return parseJson(Values.string(s));
    }

    static Object jsonIsValid(Object s) {
        if (!(s instanceof String x)) {
            return false;
        }
        try {
            parseJson(x);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Strict JSON (no sets, no non-string keys) read into Rego values. */
    static Object parseJson(String x) {
        // the Rego-text reader accepts a superset of JSON; sets and non-string keys are rejected below
        Object v = RegoText.parse(x.strip());
        checkJson(v);
        return v;
    }

    private static void checkJson(Object v) {
        if (v instanceof java.util.Set) {
            throw new BuiltinError("invalid JSON");
        }
        if (v instanceof List<?> l) {
            l.forEach(Encoding::checkJson);
        } else if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String)) {
                    throw new BuiltinError("invalid JSON");
                }
                checkJson(e.getValue());
            }
        }
    }

    static Object base64Encode(Object s) {
        return Base64.getEncoder().encodeToString(bytes(s));
    }

    /** Decoded bytes that are not UTF-8 stay raw bytes, as in Go. */
    static Object base64Decode(Object s) {
        return text(Base64.getDecoder().decode(strict(Values.string(s))));
    }

    static Object base64UrlEncode(Object s) {
        return Base64.getUrlEncoder().encodeToString(bytes(s));
    }

    /** Padded or unpadded, as OPA accepts both. */
    static Object base64UrlDecode(Object s) {
        return text(Base64.getUrlDecoder().decode(strict(Values.string(s))));
    }

    private static byte[] bytes(Object s) {
        return s instanceof RawString raw ? raw.bytes() : Values.string(s).getBytes(StandardCharsets.UTF_8);
    }

    private static Object text(byte[] b) {
        return RawString.isUtf8(b) ? new String(b, StandardCharsets.UTF_8) : new RawString(b);
    }

    private static String strict(String x) {
        if (x.indexOf('\n') >= 0 || x.indexOf('\r') >= 0 || x.indexOf(' ') >= 0) {
            throw new BuiltinError("illegal base64 data");
        }
        return x;
    }

    private static String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            // Go strings may hold arbitrary bytes; Java strings cannot, so such results are undefined here
            throw new BuiltinError("decoded bytes are not UTF-8");
        }
    }

    /** {@code io.jwt.decode(token)} = [header, payload, signature as hex]; no verification. */
    static Object jwtDecode(Object token) {
        String t = Values.string(token);
        String[] parts = t.split("\\.", -1);
        if (parts.length != 3) {
            throw new BuiltinError("encoded JWT had no period separators");
        }
        Object header = parseJson(utf8(rawUrl(parts[0])));
        if (!(header instanceof Map<?, ?> h)) {
            throw new BuiltinError("JWT header is not an object");
        }
        Object cty = h.get("cty");
        if (cty instanceof String c && c.equalsIgnoreCase("JWT")) {
            throw new BuiltinError("nested JWTs are not supported");
        }
        Object payload = parseJson(utf8(rawUrl(parts[1])));
        if (!(payload instanceof Map)) {
            throw new BuiltinError("JWT payload is not an object");
        }
        byte[] sig = rawUrl(parts[2]);
        StringBuilder hex = new StringBuilder();
        for (byte b : sig) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return List.of(header, payload, hex.toString());
    }

    private static byte[] rawUrl(String s) {
        String x = s;
        while (x.endsWith("=")) {
            x = x.substring(0, x.length() - 1);
        }
        try {
            return Base64.getUrlDecoder().decode(x);
        } catch (IllegalArgumentException e) {
            throw new BuiltinError("JWT is not base64url: " + e.getMessage());
        }
    }
}
