package dev.lanyard.server.policy;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a policy directory (and its subdirectories) and asks for a reload once the files have been quiet for a
 * moment: an editor's save is often several events (write, rename, chmod), and a half-written set must not be
 * compiled for every one of them.
 */
public final class PolicyWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyWatcher.class);
    static final long QUIET_MILLIS = 50;

    private final Path dir;
    private final Runnable onChange;
    private final WatchService watcher;
    private final Thread thread;

    public PolicyWatcher(Path dir, Runnable onChange) throws IOException {
        this.dir = dir;
        this.onChange = onChange;
        this.watcher = FileSystems.getDefault().newWatchService();
        registerTree(dir);
        this.thread = new Thread(this::run, "policy-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void registerTree(Path root) throws IOException {
        try (Stream<Path> dirs = Files.walk(root)) {
            for (Path d : (Iterable<Path>) dirs.filter(Files::isDirectory)::iterator) {
                d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE);
            }
        }
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean changed = drain(key);
                // wait until the directory has been quiet for QUIET_MILLIS
                WatchKey more;
                while ((more = watcher.poll(QUIET_MILLIS, TimeUnit.MILLISECONDS)) != null) {
                    changed |= drain(more);
                }
                if (changed) {
                    registerTree(dir);
                    onChange.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            LOG.error("policy directory watcher stopped; changes to {} are no longer picked up", dir, e);
        }
    }

    private static boolean drain(WatchKey key) {
        boolean any = !key.pollEvents().isEmpty();
        key.reset();
        return any;
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the policy watcher", e);
        }
        thread.interrupt();
    }
}
