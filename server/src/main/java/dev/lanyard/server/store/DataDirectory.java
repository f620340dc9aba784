package dev.lanyard.server.store;

import dev.lanyard.server.config.ConfigException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The server's data directory, held with an exclusive file lock for the life of the process so that a second
 * instance pointed at the same directory is refused before it can touch the embedded database.
 */
public final class DataDirectory implements AutoCloseable {
    private final Path root;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel channel, FileLock lock) {
        this.root = root;
        this.channel = channel;
        this.lock = lock;
    }

    public static DataDirectory open(Path root) {
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new ConfigException("cannot create data directory " + root + ": " + e.getMessage(), e);
        }
        Path lockFile = root.resolve("lanyard.lock");
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw alreadyInUse(root);
            }
            return new DataDirectory(root, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw alreadyInUse(root);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new ConfigException("cannot lock data directory " + root + ": " + e.getMessage(), e);
        } catch (ConfigException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static ConfigException alreadyInUse(Path root) {
        return new ConfigException("data directory " + root + " is already in use by another Lanyard server; "
                + "stop that server or set LANYARD_DATA_DIR to another directory");
    }

    public Path root() {
        return root;
    }

    public Path postgresDir() {
        return root.resolve("postgres");
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // the lock goes with the channel anyway
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
