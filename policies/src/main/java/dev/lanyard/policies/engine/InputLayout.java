package dev.lanyard.policies.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.styra.opa.wasm.OpaWasm;
import com.styra.opa.wasm.OpaWasm_ModuleExports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a JSON input document straight into the module's heap as OPA runtime values (value.h layout), instead of
 * copying the text in and running the runtime's own JSON parser in WASM — which was a third of a decision's time.
 *
 * <p>The result must be indistinguishable from what {@code opa_json_parse} builds, because the runtime keeps working
 * with it: every struct sits in a heap block with a valid malloc header ({@code size, prev = 0, next = 0}, sizes
 * rounded to malloc's fixed classes of 4, 8, 16 and 64 bytes), so the runtime may free or grow any of them; objects
 * are hash tables with the runtime's FNV hash of the key, its bucket count for that many keys and its sorted chains,
 * so look-ups and iteration order are the runtime's own. The blocks are carved from one allocation made with
 * {@code opa_malloc}, which also grows memory when needed. Strings point into raw bytes that are not a block
 * ({@code free = 0}, as for the runtime's {@code opa_string}). Numbers that are not exact 64-bit integers are
 * parsed by the runtime ({@code opa_value_parse}) so that decimals keep the runtime's own representation.
 */
final class InputLayout {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).build())
            .build();
    private static final int HEADER = 12;

    private InputLayout() {}

    /** An input document as JSON text or as a tree already parsed by the caller (no round trip through text). */
    record Input(String json, JsonNode tree) {
        static Input of(String json) {
            return new Input(json, null);
        }

        /** @param tree null or missing: no input */
        static Input of(JsonNode tree) {
            return new Input(null, tree == null ? MissingNode.getInstance() : tree);
        }

        boolean undefined() {
            return tree == null ? json == null || json.isBlank() : tree.isMissingNode();
        }

        JsonParser parser() throws IOException {
            return tree == null ? JSON.createParser(json) : tree.traverse();
        }
    }

    /** The address of the input value, or 0 when the input is empty (undefined input). */
    static int write(OpaWasm wasm, Input input) {
        if (input.undefined()) {
            return 0;
        }
        Node root;
        try (JsonParser p = input.parser()) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return 0;
            }
            root = read(p, first, wasm);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("input is not a single JSON value");
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("input is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Sizer sizer = new Sizer();
        sizer.measure(root);
        int base = wasm.exports().opaMalloc(sizer.blocks + sizer.raw);
        int total = sizer.blocks + sizer.raw;
        Writer w = new Writer(base, sizer.blocks, scratch(total));
        int addr = w.value(root);
        wasm.memory().write(base, w.buf, 0, total);
        return addr;
    }

    /** A parsed JSON value; {@code addr} is preset for numbers the runtime parsed itself. */
    private record Node(char kind, Object value, List<Node> children, List<byte[]> keys, int addr) {}

    private static Node read(JsonParser p, JsonToken t, OpaWasm x) throws IOException {
        switch (t) {
            case VALUE_NULL:
                return new Node('n', null, null, null, 0);
            case VALUE_TRUE:
                return new Node('b', Boolean.TRUE, null, null, 0);
            case VALUE_FALSE:
                return new Node('b', Boolean.FALSE, null, null, 0);
            case VALUE_STRING:
                return new Node('s', p.getText().getBytes(StandardCharsets.UTF_8), null, null, 0);
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.INT || p.getNumberType() == JsonParser.NumberType.LONG) {
                    long v = p.getLongValue();
                    // "-0" keeps its sign and Long.MIN_VALUE cannot be negated by the runtime's integer writer:
                    // both stay with the runtime's own number representation
                    if (v != Long.MIN_VALUE && p.getText().equals(Long.toString(v))) {
                        return new Node('i', v, null, null, 0);
                    }
                }
                return decimal(p.getText(), x);
            case VALUE_NUMBER_FLOAT:
                return decimal(p.getText(), x);
            case START_ARRAY: {
                List<Node> items = new ArrayList<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                    items.add(read(p, e, x));
                }
                return new Node('a', null, items, null, 0);
            }
            case START_OBJECT: {
                Map<String, Node> members = new LinkedHashMap<>();
                for (JsonToken e = p.nextToken(); e != JsonToken.END_OBJECT; e = p.nextToken()) {
                    String key = p.currentName();
                    members.put(key, read(p, p.nextToken(), x)); // the last occurrence wins, as in the runtime's parser
                }
                List<byte[]> keys = new ArrayList<>(members.size());
                members.keySet().forEach(k -> keys.add(k.getBytes(StandardCharsets.UTF_8)));
                return new Node('o', null, new ArrayList<>(members.values()), keys, 0);
            }
            default:
                throw new IllegalArgumentException("unexpected JSON token " + t);
        }
    }

    /** Decimals and big integers: the runtime's own JSON parser, before the input block is allocated. */
    private static Node decimal(String text, OpaWasm wasm) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        OpaWasm_ModuleExports x = wasm.exports();
        int buf = x.opaMalloc(b.length);
        wasm.memory().write(buf, b);
        int addr = x.opaJsonParse(buf, b.length);
        if (addr == 0) {
            throw new IllegalArgumentException("input holds a number the policy runtime cannot read");
        }
        return new Node('d', null, null, null, addr);
    }

    /** malloc's size classes: fixed lists of 4, 8, 16 and 64 bytes, exact sizes above. */
    static int blockSize(int size) {
        if (size <= 4) {
            return 4;
        }
        if (size <= 8) {
            return 8;
        }
        if (size <= 16) {
            return 16;
        }
        if (size <= 64) {
            return 64;
        }
        return size;
    }

    /** The runtime's bucket count for an object that received {@code len} inserts (8, doubled above load 0.7). */
    static int buckets(int len) {
        int n = 8;
        for (int i = 1; i <= len; i++) {
            if (i > n * 0.7) {
                n *= 2;
            }
        }
        return n;
    }

    /** The runtime's string hash: value.c's fnv1a32, which multiplies before the XOR (FNV-1), in 32 bits. */
    static int hash(byte[] s) {
        int h = 0x811c9dc5;
        for (byte b : s) {
            h *= 0x01000193;
            h ^= b & 0xff;
        }
        return h;
    }

    /** The runtime's string order: bytes compared unsigned, then the shorter first. */
    static int compare(byte[] a, byte[] b) {
        int c = Arrays.compareUnsigned(a, b);
        return Integer.signum(c);
    }

    private static final class Sizer {
        int blocks;
        int raw;

        void measure(Node n) {
            switch (n.kind()) {
                case 'n', 'b' -> blocks += HEADER + 4;
                case 'i' -> blocks += HEADER + 16;
                case 'd' -> { }
                case 's' -> {
                    blocks += HEADER + 16;
                    raw += ((byte[]) n.value()).length;
                }
                case 'a' -> {
                    int len = n.children().size();
                    blocks += HEADER + 16;
                    if (len > 0) {
                        blocks += HEADER + blockSize(8 * len) + len * (HEADER + 16);
                    }
                    n.children().forEach(this::measure);
                }
                case 'o' -> {
                    int len = n.children().size();
                    blocks += HEADER + 16 + HEADER + blockSize(4 * buckets(len)) + len * (HEADER + 16);
                    for (byte[] k : n.keys()) {
                        blocks += HEADER + 16;
                        raw += k.length;
                    }
                    n.children().forEach(this::measure);
                }
                default -> throw new IllegalStateException();
            }
        }
    }

    /** Inputs up to this size are laid out in a buffer kept by the evaluating thread; larger ones get their own. */
    private static final int SCRATCH_BYTES = 64 * 1024;
    /**
     * The layout of a typical decision input is a few kilobytes, written once per evaluation: a new array each time
     * was a tenth of the Data API's allocation. One buffer per thread, because an evaluation runs on one thread.
     */
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[8 * 1024]);

    /** A zeroed buffer of at least {@code total} bytes (the layout leaves headers' unused fields at 0). */
    private static byte[] scratch(int total) {
        if (total > SCRATCH_BYTES) {
            return new byte[total];
        }
        byte[] buf = SCRATCH.get();
        if (buf.length < total) {
            buf = new byte[SCRATCH_BYTES];
            SCRATCH.set(buf);
        } else {
            Arrays.fill(buf, 0, total, (byte) 0);
        }
        return buf;
    }

    /** Lays the blocks out in {@code buf} (little-endian, addresses absolute from {@code base}). */
    private static final class Writer {
        final int base;
        final byte[] buf;
        int next;
        int rawNext;

        Writer(int base, int blocksEnd, byte[] buf) {
            this.base = base;
            this.buf = buf;
            this.rawNext = blocksEnd;
        }

        /** A new heap block of (rounded) {@code size}; returns its data address. */
        int block(int size) {
            int rounded = blockSize(size);
            int at = next;
            put32(at, rounded); // prev and next stay 0: an allocated block
            next += HEADER + rounded;
            return base + at + HEADER;
        }

        int raw(byte[] bytes) {
            int at = rawNext;
            System.arraycopy(bytes, 0, buf, at, bytes.length);
            rawNext += bytes.length;
            return base + at;
        }

        int value(Node n) {
            switch (n.kind()) {
                case 'n': {
                    int a = block(1);
                    u8(a, 1);
                    return a;
                }
                case 'b': {
                    int a = block(2);
                    u8(a, 2);
                    u8(a + 1, (Boolean) n.value() ? 1 : 0);
                    return a;
                }
                case 'i':
                    return number((Long) n.value());
                case 'd':
                    throw new IllegalStateException("decimals are resolved before layout");
                case 's':
                    return string((byte[]) n.value());
                case 'a':
                    return array(n);
                case 'o':
                    return object(n);
                default:
                    throw new IllegalStateException();
            }
        }

        int number(long v) {
            int a = block(16);
            u8(a, 3);
            u8(a + 1, 1); // OPA_NUMBER_REPR_INT
            i64(a + 8, v);
            return a;
        }

        int string(byte[] s) {
            int a = block(12);
            u8(a, 4);
            i32(a + 4, s.length);
            i32(a + 8, raw(s));
            return a;
        }

        int array(Node n) {
            int len = n.children().size();
            int a = block(16);
            u8(a, 5);
            if (len == 0) {
                return a; // elems NULL, len 0, cap 0: what opa_array() makes
            }
            int elems = block(8 * len);
            i32(a + 4, elems);
            i32(a + 8, len);
            i32(a + 12, len);
            for (int i = 0; i < len; i++) {
                i32(elems + 8 * i, number(i));
                i32(elems + 8 * i + 4, valueOf(n.children().get(i)));
            }
            return a;
        }

        int object(Node n) {
            int len = n.children().size();
            int nb = buckets(len);
            int a = block(16);
            int buckets = block(4 * nb);
            u8(a, 6);
            i32(a + 4, buckets);
            i32(a + 8, nb);
            i32(a + 12, len);
            // per bucket, the chain sorted by key, as the runtime's insert keeps it
            Integer[] order = new Integer[len];
            for (int i = 0; i < len; i++) {
                order[i] = i;
            }
            List<byte[]> keys = n.keys();
            Arrays.sort(order, (x, y) -> compare(keys.get(x), keys.get(y)));
            int[] tail = new int[nb];
            for (int idx : order) {
                byte[] key = keys.get(idx);
                int bucket = Integer.remainderUnsigned(hash(key), nb);
                int elem = block(12);
                i32(elem, string(key));
                i32(elem + 4, valueOf(n.children().get(idx)));
                if (tail[bucket] == 0) {
                    i32(buckets + 4 * bucket, elem);
                } else {
                    i32(tail[bucket] + 8, elem);
                }
                tail[bucket] = elem;
            }
            return a;
        }

        private int valueOf(Node child) {
            return child.kind() == 'd' ? child.addr() : value(child);
        }

        private void u8(int addr, int v) {
            buf[addr - base] = (byte) v;
        }

        private void i32(int addr, int v) {
            put32(addr - base, v);
        }

        private void put32(int o, int v) {
            buf[o] = (byte) v;
            buf[o + 1] = (byte) (v >>> 8);
            buf[o + 2] = (byte) (v >>> 16);
            buf[o + 3] = (byte) (v >>> 24);
        }

        private void i64(int addr, long v) {
            i32(addr, (int) v);
            i32(addr + 4, (int) (v >>> 32));
        }
    }
}
