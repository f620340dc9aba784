package dev.lanyard.server;

import dev.lanyard.server.admin.AdminBootstrap;
import dev.lanyard.server.audit.AuditNotifications;
import dev.lanyard.server.config.ConfigException;
import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.store.DataDirectory;
import dev.lanyard.server.store.DatabaseLocation;
import dev.lanyard.server.store.Database;
import dev.lanyard.server.store.EmbeddedDatabase;
import dev.lanyard.server.store.Migrations;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up and shut-down of one Lanyard server: HTTP first (so liveness and readiness answer at once), then the
 * database (embedded or external), migrations and the first admin token, then the readiness flag.
 */
public final class LanyardServer {
    private static final Logger LOG = LoggerFactory.getLogger(LanyardServer.class);

    private final ServerConfig config;
    private final Vertx vertx;
    private final LanyardState state;
    private final Capabilities capabilities;
    private DataDirectory dataDirectory;
    private EmbeddedDatabase embedded;
    private AuditNotifications notifications;
    private volatile DatabaseLocation location;
    private volatile boolean stopping;
    private volatile String httpDeployment;
    /** The one stop in progress or done: the signal handler and the shutdown hook may both ask for it. */
    private CompletableFuture<Void> stopped;

    private LanyardServer(ServerConfig config, Vertx vertx, String registry) {
        this.config = config;
        this.vertx = vertx;
        Database db = Database.unattached(vertx);
        this.state = new LanyardState(db, registry);
        this.capabilities = new Capabilities(vertx, db, config.baseUrl());
        this.capabilities.authorizationServers(config);
        this.capabilities.bindMetrics(BackendRegistries.getNow(registry));
    }

    /** A server not started yet (see {@link #boot()}). */
    public static LanyardServer create(ServerConfig config) {
        // one registry per server, so several servers in one JVM (tests) never share or close each other's metrics
        String registry = "lanyard-" + java.util.UUID.randomUUID();
        Vertx vertx = Vertx.builder()
                .with(new VertxOptions().setPreferNativeTransport(true).setMetricsOptions(new MicrometerMetricsOptions()
                        .setEnabled(true)
                        .setRegistryName(registry)
                        .setJvmMetricsEnabled(true)
                        .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE))
                        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))))
                .withMetrics(new MicrometerMetricsFactory())
                .build();
        return new LanyardServer(config, vertx, registry);
    }

    /** Starts a server; the future completes once it is ready (database migrated), or fails with the reason. */
    public static Future<LanyardServer> start(ServerConfig config) {
        LanyardServer server = create(config);
        CompletableFuture<LanyardServer> result = new CompletableFuture<>();
        // completed outside Vert.x: after a failed start the event loops are gone, so nothing may wait on them
        server.boot().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(server);
            } else {
                LOG.error("start-up failed: {}", ar.cause().getMessage());
                server.stop().onComplete(stopped -> result.completeExceptionally(ar.cause()));
            }
        });
        return Future.fromCompletionStage(result);
    }

    /** Begins start-up; the HTTP server answers (503 on readiness) while the database is being prepared. */
    public Future<LanyardServer> boot() {
        try {
            dataDirectory = DataDirectory.open(config.dataDir());
        } catch (ConfigException e) {
            return Future.failedFuture(e);
        }
        int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
        Future<String> http = vertx.deployVerticle(() -> new HttpVerticle(config, state, capabilities),
                        new DeploymentOptions().setInstances(instances))
                .onSuccess(id -> httpDeployment = id)
                .onSuccess(id -> LOG.info("listening on {}:{} ({} event loops, {} transport), base URL {}",
                        config.httpHost(), config.httpPort(), instances,
                        vertx.isNativeTransportEnabled() ? "epoll" : "NIO", config.baseUrl()));
        // PostgreSQL starts while the HTTP side deploys: the two are independent and both take a second or so
        Future<DatabaseLocation> database = vertx.executeBlocking(this::prepareDatabase, true);
        // and the policy set compiles meanwhile (it needs neither)
        Future<Void> policies = capabilities.startPolicies(config);
        return Future.all(http, database, policies)
                .compose(both -> {
                    DatabaseLocation found = database.result();
                    location = found;
                    state.database().attach(found);
                    return AdminBootstrap.run(state.database(), capabilities.adminTokens(), capabilities.audit(),
                            config.initialAdminToken());
                })
                .compose(v -> capabilities.signingKeys().start(dataDirectory.root()))
                .compose(v -> AuditNotifications.start(vertx, state.database().connectOptions()))
                .compose(n -> state.database().warm().compose(v -> state.database().checkDurability()).map(durable -> n))
                .map(n -> {
                    notifications = n;
                    state.markReady();
                    LOG.info("ready");
                    return this;
                });
    }

    /** Blocking: runs on a worker thread. External databases are retried until they answer. */
    private DatabaseLocation prepareDatabase() throws InterruptedException {
        DatabaseLocation location;
        if (config.databaseUrl().isPresent()) {
            location = DatabaseLocation.parse(config.databaseUrl().get());
            for (int attempt = 1; ; attempt++) {
                try {
                    Migrations.apply(location);
                    return location;
                } catch (RuntimeException e) {
                    if (attempt >= 30 || stopping) {
                        throw new ConfigException("database " + location + " is unreachable: " + e.getMessage(), e);
                    }
                    state.startupProblem("database " + location + " unreachable; retrying");
                    LOG.warn("database {} not reachable yet (attempt {}): {}", location, attempt, e.getMessage());
                    Thread.sleep(2000);
                }
            }
        }
        embedded = EmbeddedDatabase.start(dataDirectory.postgresDir());
        location = embedded.location();
        Migrations.apply(location);
        return location;
    }

    /** Where the database is (tests use it to inspect and tamper with stored rows). */
    public DatabaseLocation databaseLocation() {
        return location;
    }

    /** The signer of every authorization server (tests sign and verify through it). */
    public dev.lanyard.server.keys.SigningKeys signingKeys() {
        return capabilities.signingKeys();
    }

    public int port() {
        return config.httpPort();
    }

    public ServerConfig config() {
        return config;
    }

    public Vertx vertx() {
        return vertx;
    }

    /**
     * Stops everything in order, on a thread of its own: waiting on Vert.x from inside Vert.x while it closes would
     * leave callbacks with no event loop to run on.
     */
    public synchronized Future<Void> stop() {
        if (stopped == null) {
            stopped = CompletableFuture.runAsync(this::stopBlocking);
        }
        return Future.fromCompletionStage(stopped);
    }

    private void stopBlocking() {
        stopping = true;
        // no new requests first, so nothing is decided or issued after the decision log's last flush below
        String http = httpDeployment;
        await(http == null ? null : vertx.undeploy(http));
        await(notifications == null ? null : notifications.close());
        await(capabilities.stopPolicies());
        await(capabilities.signingKeys().close());
        await(state.database().close());
        await(vertx.close());
        if (embedded != null) {
            embedded.close();
        }
        if (dataDirectory != null) {
            dataDirectory.close();
        }
    }

    private static void await(Future<?> f) {
        if (f == null) {
            return;
        }
        try {
            f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("shutdown step did not complete cleanly: {}", e.toString());
        }
    }
}
