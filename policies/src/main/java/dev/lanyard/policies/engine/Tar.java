package dev.lanyard.policies.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small part of the tar format bundles need: regular files in ustar blocks. Reading skips directories, pax and
 * GNU metadata entries except GNU long names; writing produces deterministic entries (mtime 0, mode 0644).
 */
final class Tar {
    private static final int BLOCK = 512;

    private Tar() {}

    static Map<String, byte[]> read(InputStream in) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] header = new byte[BLOCK];
        String longName = null;
        while (true) {
            if (!readFully(in, header)) {
                break;
            }
            if (isZero(header)) {
                break;
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty() && "ustar".equals(field(header, 257, 5).trim())) {
                name = prefix + "/" + name;
            }
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            byte[] body = readBody(in, size);
            if (type == 'L') {
                longName = new String(body, StandardCharsets.UTF_8).replace("\0", "");
                continue;
            }
            if (longName != null) {
                name = longName;
                longName = null;
            }
            if (type == '0' || type == '\0') {
                files.put(normalize(name), body);
            }
        }
        return files;
    }

    /** "/policy.wasm", "./policy.wasm" and "policy.wasm" all become "/policy.wasm". */
    static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n.startsWith("/") ? n : "/" + n;
    }

    static void write(OutputStream out, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String name = e.getKey();
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length > 99) {
                byte[] ln = (name + "\0").getBytes(StandardCharsets.UTF_8);
                out.write(header("././@LongLink", ln.length, 'L'));
                out.write(ln);
                pad(out, ln.length);
                name = name.substring(0, 90);
            }
            byte[] body = e.getValue();
            out.write(header(name, body.length, '0'));
            out.write(body);
            pad(out, body.length);
        }
        out.write(new byte[BLOCK * 2]);
    }

    private static byte[] header(String name, long size, char type) {
        byte[] h = new byte[BLOCK];
        put(h, 0, name.getBytes(StandardCharsets.UTF_8), 100);
        put(h, 100, "0000644\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 108, "0000000\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 116, "0000000\0".getBytes(StandardCharsets.US_ASCII), 8);
        put(h, 124, String.format("%011o\0", size).getBytes(StandardCharsets.US_ASCII), 12);
        put(h, 136, "00000000000\0".getBytes(StandardCharsets.US_ASCII), 12);
        h[156] = (byte) type;
        put(h, 257, "ustar\0".getBytes(StandardCharsets.US_ASCII), 6);
        put(h, 263, "00".getBytes(StandardCharsets.US_ASCII), 2);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII), 8);
        return h;
    }

    private static void put(byte[] h, int off, byte[] v, int max) {
        System.arraycopy(v, 0, h, off, Math.min(v.length, max));
    }

    private static void pad(OutputStream out, long size) throws IOException {
        int rem = (int) (size % BLOCK);
        if (rem != 0) {
            out.write(new byte[BLOCK - rem]);
        }
    }

    private static byte[] readBody(InputStream in, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("tar entry too large: " + size);
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream((int) size);
        byte[] buf = new byte[8192];
        long left = size;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("truncated tar entry");
            }
            b.write(buf, 0, n);
            left -= n;
        }
        int rem = (int) (size % BLOCK);
        if (rem != 0) {
            in.readNBytes(BLOCK - rem);
        }
        return b.toByteArray();
    }

    private static boolean readFully(InputStream in, byte[] b) throws IOException {
        int n = in.readNBytes(b, 0, b.length);
        if (n == 0) {
            return false;
        }
        if (n < b.length) {
            throw new IOException("truncated tar header");
        }
        return true;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] h, int off, int len) throws IOException {
        if ((h[off] & 0x80) != 0) {
            // GNU base-256 encoding for large sizes
            long v = 0;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        String s = field(h, off, len).trim();
        if (s.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IOException("bad tar size field: " + s);
        }
    }
}
