package dev.lanyard.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Temporary directories for tests, removed when the test JVM exits. Most hold an embedded PostgreSQL data directory
 * (≈ 40 MB each); left behind, one full test run would leave a gigabyte in the temp directory of every machine it
 * runs on.
 */
public final class TestDirs {
    private static final List<Path> CREATED = new ArrayList<>();
    private static final List<Runnable> BEFORE_DELETE = new ArrayList<>();

    static {
        // one hook, so that what still uses a directory (the shared server) stops before the directory goes
        Runtime.getRuntime().addShutdownHook(new Thread(TestDirs::cleanUp, "test-dirs-cleanup"));
    }

    private TestDirs() {}

    public static synchronized Path create(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            CREATED.add(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code action} at exit before the directories are deleted (for servers still running then). */
    static synchronized void beforeDelete(Runnable action) {
        BEFORE_DELETE.add(action);
    }

    private static synchronized void cleanUp() {
        for (Runnable action : BEFORE_DELETE) {
            try {
                action.run();
            } catch (RuntimeException e) {
                System.err.println("test clean-up: " + e);
            }
        }
        for (Path dir : CREATED) {
            delete(dir);
        }
    }

    private static void delete(Path dir) {
        // best effort, file by file: the embedded PostgreSQL's own shutdown hook may still be removing files under
        // the walk, and commons-io's deleteDirectory gives up at the first one that vanishes (seen in CI). A
        // PostgreSQL still shutting down also writes its statistics file after the walk (seen in CI too), so the walk
        // is repeated, for at most two seconds, until the directory is gone.
        for (int attempt = 0; attempt < 20 && Files.exists(dir); attempt++) {
            if (attempt > 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file vanished under the walk: the next attempt sees what is left
            }
        }
        if (Files.exists(dir)) {
            System.err.println("test clean-up: could not delete " + dir);
        }
    }
}
