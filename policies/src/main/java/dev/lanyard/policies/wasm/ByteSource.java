package dev.lanyard.policies.wasm;

/** Cursor over a WASM binary for the few raw structures the linker re-encodes. */
final class ByteSource {
    private final byte[] buf;
    private int pos;

    ByteSource(byte[] buf, int pos) {
        this.buf = buf;
        this.pos = pos;
    }

    int pos() {
        return pos;
    }

    boolean hasMore(int end) {
        return pos < end;
    }

    int u8() {
        return buf[pos++] & 0xff;
    }

    long uleb() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            result |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return result;
    }

    long sleb() {
        long result = 0;
        int shift = 0;
        int b;
        do {
            b = u8();
            result |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        if (shift < 64 && (b & 0x40) != 0) {
            result |= -1L << shift;
        }
        return result;
    }

    String name() {
        int n = (int) uleb();
        String s = new String(buf, pos, n, java.nio.charset.StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    void skip(int n) {
        pos += n;
    }
}
