package dev.lanyard.mcp.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A local, append-only queue of audit records (one JSON document per line) with a persisted read position: records are
 * written here before anything tries to deliver them, and the position moves only past records the server has
 * acknowledged. So a server outage, or a restart of the adapter, loses nothing and reorders nothing — delivery resumes
 * at the first unacknowledged record.
 *
 * <p>Layout: segment files {@code seg-<n>.jsonl} (a new one once the current exceeds {@code segmentBytes}, fully
 * acknowledged ones are deleted) and {@code ack} ({@code <segment> <offset>}, replaced atomically). A line torn by a
 * crash mid-write is cut off at open. Not thread-safe except {@link #pending()}: the emitter's single thread owns it.
 *
 * <p>While delivery keeps up, the records written since the read position are also held in memory (up to
 * {@code tailBytes}) and read back from there: the file is read only after a restart or once delivery fell that far
 * behind, until it has caught up again.
 *
 * <p>The read position is written without an fsync: after a crash it may be older than the last acknowledgement,
 * and the records after it are sent again, which the server recognises by their ids as duplicates. An unreadable
 * position file means the same: start at the oldest segment.
 */
public final class AuditSpool implements Closeable {
    /** A place in the spool: a segment number and a byte offset in it. */
    public record Position(long segment, long offset) implements Comparable<Position> {
        @Override
        public int compareTo(Position o) {
            return segment != o.segment ? Long.compare(segment, o.segment) : Long.compare(offset, o.offset);
        }
    }

    /** Up to {@code max} records after the read position, and where the next read would start. */
    public record Batch(List<byte[]> records, Position end) {
        public boolean isEmpty() {
            return records.isEmpty();
        }
    }

    private static final byte[] NO_BYTES = new byte[0];
    private static final long TAIL_BYTES = 16L << 20;
    private final Path dir;
    private final long segmentBytes;
    private final long tailBytes;
    private final AtomicLong pending = new AtomicLong();
    /** Every unacknowledged record, in order, while {@code tailComplete}; each with the position after it. */
    private final ArrayDeque<Line> tail = new ArrayDeque<>();
    private boolean tailComplete;
    private long tailSize;
    private Position ack;
    private long writeSegment;
    private FileChannel writer;
    private long writeOffset;

    private record Line(byte[] record, Position end) {}

    private AuditSpool(Path dir, long segmentBytes, long tailBytes) {
        this.dir = dir;
        this.segmentBytes = segmentBytes;
        this.tailBytes = tailBytes;
    }

    public static AuditSpool open(Path dir) {
        return open(dir, 16L << 20);
    }

    public static AuditSpool open(Path dir, long segmentBytes) {
        return open(dir, segmentBytes, TAIL_BYTES);
    }

    /** @param tailBytes how much of the undelivered tail is also kept in memory */
    public static AuditSpool open(Path dir, long segmentBytes, long tailBytes) {
        AuditSpool s = new AuditSpool(dir, segmentBytes, tailBytes);
        try {
            s.recover();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the audit spool in " + dir, e);
        }
        return s;
    }

    private void recover() throws IOException {
        Files.createDirectories(dir);
        List<Long> segments = segments();
        ack = readAck(segments);
        if (segments.isEmpty()) {
            writeSegment = Math.max(ack.segment, 1);
        } else {
            writeSegment = segments.get(segments.size() - 1);
            cutTornTail(segment(writeSegment));
        }
        openWriter();
        for (long seg : segments) {
            if (seg < ack.segment) {
                Files.deleteIfExists(segment(seg));
            }
        }
        pending.set(countFrom(ack));
        tailComplete = pending.get() == 0;
    }

    private List<Long> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("seg-") && n.endsWith(".jsonl"))
                    .map(n -> Long.parseLong(n.substring(4, n.length() - 6)))
                    .sorted().toList();
        }
    }

    private Path segment(long n) {
        return dir.resolve(String.format("seg-%012d.jsonl", n));
    }

    private Position readAck(List<Long> segments) throws IOException {
        Path f = dir.resolve("ack");
        long first = segments.isEmpty() ? 1 : segments.get(0);
        if (!Files.exists(f)) {
            return new Position(first, 0);
        }
        Position p;
        try {
            String[] parts = Files.readString(f, StandardCharsets.US_ASCII).trim().split(" ");
            p = new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (RuntimeException e) {
            // written without an fsync, so a crash may have left it empty: resend from the start, as duplicates
            return new Position(first, 0);
        }
        // the acknowledged segment may have been deleted after a later one was started
        return p.segment < first ? new Position(first, 0) : p;
    }

    /** A crash can leave half a line at the end; it was never acknowledged to anyone, so it goes. */
    private static void cutTornTail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                keep--;
            }
            if (keep < size) {
                ch.truncate(keep);
            }
        }
    }

    private void openWriter() throws IOException {
        if (writer != null) {
            writer.close();
        }
        writer = FileChannel.open(segment(writeSegment), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        writeOffset = writer.size();
    }

    /** Appends records (each one JSON document without a newline) and forces them to the disk. */
    public void append(List<byte[]> records) {
        if (records.isEmpty()) {
            return;
        }
        try {
            if (writeOffset >= segmentBytes) {
                writeSegment++;
                openWriter();
            }
            int size = 0;
            for (byte[] r : records) {
                size += r.length + 1;
            }
            ByteBuffer buf = ByteBuffer.allocate(size);
            for (byte[] r : records) {
                buf.put(r).put((byte) '\n');
            }
            buf.flip();
            long start = writeOffset;
            while (buf.hasRemaining()) {
                writeOffset += writer.write(buf);
            }
            writer.force(false);
            keepInTail(records, start);
            pending.addAndGet(records.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the audit spool in " + dir, e);
        }
    }

    private void keepInTail(List<byte[]> records, long start) {
        if (!tailComplete) {
            return;
        }
        if (tailSize + (writeOffset - start) > tailBytes) {
            // delivery is behind: read from the file until it has caught up
            tail.clear();
            tailSize = 0;
            tailComplete = false;
            return;
        }
        long offset = start;
        for (byte[] r : records) {
            offset += r.length + 1;
            tail.add(new Line(r, new Position(writeSegment, offset)));
        }
        tailSize += writeOffset - start;
    }

    /** Up to {@code max} unacknowledged records, oldest first. */
    public Batch read(int max) {
        if (tailComplete) {
            List<byte[]> out = new ArrayList<>(Math.min(max, tail.size()));
            Position end = ack;
            for (Line l : tail) {
                if (out.size() == max) {
                    break;
                }
                out.add(l.record);
                end = l.end;
            }
            return new Batch(out, end);
        }
        List<byte[]> out = new ArrayList<>();
        Position p = ack;
        try {
            while (out.size() < max) {
                Path file = segment(p.segment);
                long size = Files.exists(file) ? Files.size(file) : 0;
                if (p.offset < size) {
                    p = readLines(file, p, size, max - out.size(), out);
                } else if (p.segment < writeSegment) {
                    p = new Position(p.segment + 1, 0);
                } else {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit spool in " + dir, e);
        }
        return new Batch(out, p);
    }

    /**
     * Reads whole lines in 64 KiB chunks (byte-at-a-time reads through a stream were the emitter's main cost under
     * load). Stops after {@code max} lines or at {@code size}; a line still being written is left for the next read.
     */
    private static Position readLines(Path file, Position from, long size, int max, List<byte[]> out) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            byte[] partial = NO_BYTES;
            long pos = from.offset;
            long afterLastLine = from.offset;
            int read = 0;
            while (read < max && pos < size) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), size - pos));
                int n = ch.read(chunk, pos);
                if (n <= 0) {
                    break;
                }
                byte[] a = chunk.array();
                int start = 0;
                for (int i = 0; i < n && read < max; i++) {
                    if (a[i] == '\n') {
                        byte[] line = Arrays.copyOf(partial, partial.length + i - start);
                        System.arraycopy(a, start, line, partial.length, i - start);
                        out.add(line);
                        partial = NO_BYTES;
                        read++;
                        start = i + 1;
                        afterLastLine = pos + start;
                    }
                }
                if (read < max && start < n) {
                    byte[] longer = Arrays.copyOf(partial, partial.length + n - start);
                    System.arraycopy(a, start, longer, partial.length, n - start);
                    partial = longer;
                }
                pos += n;
            }
            return new Position(from.segment, afterLastLine);
        }
    }

    /** Everything up to {@code p} was delivered: persist the position and drop segments that are done. */
    public void ack(Position p, int records) {
        if (p.compareTo(ack) <= 0) {
            return;
        }
        try {
            Path tmp = dir.resolve("ack.tmp");
            Files.writeString(tmp, p.segment + " " + p.offset + "\n", StandardCharsets.US_ASCII);
            Files.move(tmp, dir.resolve("ack"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            for (long seg = ack.segment; seg < p.segment; seg++) {
                Files.deleteIfExists(segment(seg));
            }
            ack = p;
            while (!tail.isEmpty() && tail.peek().end.compareTo(p) <= 0) {
                Line l = tail.poll();
                tailSize -= l.record.length + 1;
            }
            if (pending.addAndGet(-records) == 0 && !tailComplete) {
                // caught up: from here on, what is appended is read back from memory
                tail.clear();
                tailSize = 0;
                tailComplete = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record delivery in the audit spool in " + dir, e);
        }
    }

    /** Records written but not yet acknowledged by the server. */
    public long pending() {
        return pending.get();
    }

    /** Counts lines after {@code from} without holding them: after a long outage the spool may be large. */
    private long countFrom(Position from) throws IOException {
        long n = 0;
        for (long seg = from.segment; seg <= writeSegment; seg++) {
            Path file = segment(seg);
            if (!Files.exists(file)) {
                continue;
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ch.position(seg == from.segment ? from.offset : 0);
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                while (ch.read(buf) > 0) {
                    buf.flip();
                    while (buf.hasRemaining()) {
                        if (buf.get() == '\n') {
                            n++;
                        }
                    }
                    buf.clear();
                }
            }
        }
        return n;
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
