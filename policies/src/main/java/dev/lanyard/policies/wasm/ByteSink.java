package dev.lanyard.policies.wasm;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Growable byte buffer with the WASM binary encodings (LEB128, length-prefixed names and vectors). */
final class ByteSink {
    private byte[] buf;
    private int len;

    ByteSink() {
        this(256);
    }

    ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    ByteSink u8(int b) {
        ensure(1);
        buf[len++] = (byte) b;
        return this;
    }

    ByteSink uleb(long v) {
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            u8(v != 0 ? b | 0x80 : b);
        } while (v != 0);
        return this;
    }

    ByteSink sleb(long v) {
        boolean more = true;
        while (more) {
            int b = (int) (v & 0x7f);
            v >>= 7;
            if ((v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0)) {
                more = false;
            } else {
                b |= 0x80;
            }
            u8(b);
        }
        return this;
    }

    ByteSink bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    ByteSink bytes(byte[] b, int off, int n) {
        ensure(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    ByteSink name(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        uleb(b.length);
        return bytes(b);
    }

    /** Appends {@code body} prefixed with its byte length (sections, function bodies). */
    ByteSink sized(ByteSink body) {
        uleb(body.len);
        return bytes(body.buf, 0, body.len);
    }

    int size() {
        return len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
