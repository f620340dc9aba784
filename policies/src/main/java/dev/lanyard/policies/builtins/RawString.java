package dev.lanyard.policies.builtins;

import java.util.Arrays;

/**
 * A Rego string whose bytes are not valid UTF-8 (e.g. {@code base64.decode} of binary data). Go keeps such bytes
 * as they are; so does this library when the value goes back to WASM. Builtins that work on text see
 * {@link #text()}: the bytes decoded the way Go ranges over a string, one U+FFFD per invalid byte.
 */
public record RawString(byte[] bytes) {
    public RawString {
        bytes = bytes.clone();
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String text() {
        return goDecode(bytes);
    }

    /** True when {@code b} is valid UTF-8 (what {@link String} can hold losslessly). */
    public static boolean isUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            int n = sequenceLength(b, i);
            if (n == 0) {
                return false;
            }
            i += n;
        }
        return true;
    }

    /** Go's decoding: valid sequences become their code point, every other byte one U+FFFD. */
    static String goDecode(byte[] b) {
        StringBuilder out = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int n = sequenceLength(b, i);
            if (n == 0) {
                out.append('\uFFFD');
                i++;
                continue;
            }
            int cp;
            int lead = b[i] & 0xff;
            if (n == 1) {
                cp = lead;
            } else if (n == 2) {
                cp = ((lead & 0x1f) << 6) | (b[i + 1] & 0x3f);
            } else if (n == 3) {
                cp = ((lead & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f);
            } else {
                cp = ((lead & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
            }
            out.appendCodePoint(cp);
            i += n;
        }
        return out.toString();
    }

    /** Length of the valid UTF-8 sequence at {@code i}, or 0 (no overlongs, surrogates or values > U+10FFFF). */
    private static int sequenceLength(byte[] b, int i) {
        int c = b[i] & 0xff;
        if (c < 0x80) {
            return 1;
        }
        int n;
        int lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 3;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 4;
            if (c == 0xf0) {
                lo = 0x90;
            } else if (c == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return 0;
        }
        if (i + n > b.length) {
            return 0;
        }
        int second = b[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return 0;
        }
        for (int k = 2; k < n; k++) {
            int cc = b[i + k] & 0xff;
            if (cc < 0x80 || cc > 0xbf) {
                return 0;
            }
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawString r && Arrays.equals(bytes, r.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return text();
    }
}
