package dev.lanyard.server.store;

import dev.lanyard.server.config.ConfigException;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (binaries from Maven Central) whose data lives in the data directory, so that
 * {@code java -jar} works on a bare machine and a restart keeps everything.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private final EmbeddedPostgres postgres;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    public static EmbeddedDatabase start(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            // A crash can leave a stale pid file behind; the data directory lock already proves nobody else runs here.
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("fsync", "on")
                    // the builder's default is off (a test-database setting): a crash could then lose commits that
                    // were already answered — an issued token's audit event among them
                    .setServerConfig("synchronous_commit", "on")
                    // a checkpoint makes the first change to every page after it write the whole page to the log:
                    // under token load PostgreSQL's default (a checkpoint per 1 GB of log, ≈ 2 minutes at 2,000
                    // tokens/s) spent several seconds in every two minutes writing twice the log at p99s of 60-70 ms.
                    // Checkpoints every 4 GB or 15 minutes; a crash then replays more log at start-up, nothing is lost
                    .setServerConfig("max_wal_size", "4GB")
                    .setServerConfig("checkpoint_timeout", "15min")
                    // a new 16 MB log segment is written full of zeros while the log's write lock is held, and every
                    // commit waits behind it: ≈ 80 ms, every ≈ 1.9 s at 1,850 tokens/s, until checkpoints recycle old
                    // segments (and again whenever the log outgrows them). Left sparse, a segment takes ≈ 1 ms to make
                    // and its blocks are allocated as the log reaches them: a flush then takes 0.13 ms at the median
                    // on this ext4 disk, against 0.09-0.10 ms into a zeroed segment. Every commit is still flushed
                    .setServerConfig("wal_init_zero", "off")
                    .start();
            LOG.info("embedded PostgreSQL started on 127.0.0.1:{} with data in {}", pg.getPort(), dataDir);
            return new EmbeddedDatabase(pg);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot start embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    public DatabaseLocation location() {
        return new DatabaseLocation("127.0.0.1", postgres.getPort(), "postgres", "postgres", "");
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}
