package dev.lanyard.server.keys;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.config.ConfigException;
import dev.lanyard.server.config.ServerConfig;
import dev.lanyard.server.directory.Rows;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Caller;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.oauth.TokenSigner;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of every authorization server: generated here, stored encrypted under the {@link MasterKey},
 * cached decrypted in memory, rotated with overlap. The org server's first key is made at first start; a resource
 * authorization server's first key as soon as the server is created (a database trigger notifies every instance), at
 * start-up for servers still without one, or on first use ({@link #ensure}). A rotation retires the current key, which stays
 * published for {@link #MAX_TOKEN_LIFETIME} (the longest lifetime of any token we sign) and is then dropped. Other
 * instances learn of rotations through NOTIFY on {@code lanyard_keys}.
 *
 * <p>{@link #sign} and {@link #publicKeys} never touch the database (and never block): call {@link #ensure} before
 * signing for a resource authorization server that may not have a key yet (the org server always has one once
 * started); it completes at once when the key is loaded.
 */
public final class SigningKeys implements TokenSigner {
    public static final Duration MAX_TOKEN_LIFETIME = Duration.ofSeconds(3600);
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    private final Vertx vertx;
    private final Database db;
    private final AuditLog audit;
    private final ServerConfig config;
    private final SigningKeyStore store = new SigningKeyStore();
    private final ConcurrentHashMap<String, ServerKeys> cache = new ConcurrentHashMap<>();
    private volatile MasterKey master;
    private volatile PgSubscriber subscriber;

    /** A server's keys, newest first; {@code signer} signs with {@code current}. Immutable, swapped whole. */
    private record ServerKeys(Key current, JWSSigner signer, List<Key> keys) {}

    private record Key(String kid, String serverId, JWSAlgorithm alg, JWK publicJwk, String status, Instant created,
                       Instant retiredAt) {
        Instant publishedUntil() {
            return retiredAt == null ? null : retiredAt.plus(MAX_TOKEN_LIFETIME);
        }

        boolean published(Instant now) {
            return retiredAt == null || publishedUntil().isAfter(now);
        }
    }

    public SigningKeys(Vertx vertx, Database db, AuditLog audit, ServerConfig config) {
        this.vertx = vertx;
        this.db = db;
        this.audit = audit;
        this.config = config;
    }

    /**
     * At start-up, after migrations: loads (or generates) the master key, makes the org key if there is none, loads
     * and decrypts every current key (a master key that does not open them stops the start), and starts listening.
     */
    public Future<Void> start(Path dataDir) {
        return store.anyExist(db.pool())
                .compose(exist -> vertx.executeBlocking(() -> MasterKey.load(config.masterKey()
                        .map(ServerConfig.Secret::value), dataDir, config.databaseUrl().isPresent(), exist), false))
                .compose(m -> {
                    master = m;
                    return reloadAll();
                })
                .recover(e -> Future.failedFuture(e instanceof MasterKey.WrongKeyException
                        ? new ConfigException("the master key from " + master.source() + " does not decrypt the stored "
                                + "signing keys (wrong LANYARD_MASTER_KEY or master.key?); refusing to start — restore "
                                + "the key they were encrypted with") : e))
                .compose(v -> createIfMissing(ORG, "system", null))
                .compose(v -> listen())
                .compose(v -> store.serversWithoutKey(db.pool()))
                .compose(ids -> {
                    Future<Void> all = Future.succeededFuture();
                    for (String id : ids) {
                        all = all.compose(v -> createIfMissing(id, "system", null));
                    }
                    return all;
                });
    }

    /** The master key, for deriving other server secrets (e.g. form-signing keys); available after {@link #start}. */
    public MasterKey masterKey() {
        return master;
    }

    private Future<Void> listen() {
        PgSubscriber s = PgSubscriber.subscriber(vertx, db.connectOptions()).reconnectPolicy(retries -> 500L);
        s.channel(SigningKeyStore.CHANNEL)
                .handler(serverId -> reload(serverId)
                        // a new resource authorization server (database trigger): make its first key now
                        .compose(v -> cache.containsKey(serverId) ? Future.<Void>succeededFuture() : ensure(serverId))
                        .onFailure(e -> LOG.warn("loading keys of {} failed: {}", Ids.sanitize(serverId), e.toString())))
                .subscribeHandler(v -> reloadAll().onFailure(e -> LOG.warn("reloading signing keys failed: {}", e.toString())));
        subscriber = s;
        return s.connect();
    }

    public Future<Void> close() {
        PgSubscriber s = subscriber;
        return s == null ? Future.succeededFuture() : s.close();
    }

    @Override
    public String sign(String serverId, JOSEObjectType typ, JWTClaimsSet claims) {
        ServerKeys keys = cache.get(serverId);
        if (keys == null) {
            throw new IllegalStateException("no signing key loaded for " + serverId + " (call ensure first)");
        }
        Key k = keys.current();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(k.alg()).type(typ).keyID(k.kid()).build(), claims);
        try {
            jwt.sign(keys.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }

    @Override
    public JWKSet publicKeys(String serverId) {
        ServerKeys keys = cache.get(serverId);
        if (keys == null) {
            return new JWKSet();
        }
        Instant now = Instant.now();
        return new JWKSet(keys.keys().stream().filter(k -> k.published(now)).map(Key::publicJwk).toList());
    }

    @Override
    public boolean signsCheaply(String serverId) {
        ServerKeys keys = cache.get(serverId);
        return keys != null && JWSAlgorithm.Family.EC.contains(keys.current().alg());
    }

    /** The algorithm of the server's current key, if it has one loaded. */
    public String currentAlg(String serverId) {
        ServerKeys keys = cache.get(serverId);
        return keys == null ? config.signingAlg() : keys.current().alg().getName();
    }

    /**
     * Makes sure the server has a key loaded here, creating its first key if needed. Fails with a 404
     * {@link ApiException} for anything that is not the org server or an existing resource authorization server.
     */
    @Override
    public Future<Void> ensure(String serverId) {
        if (cache.containsKey(serverId)) {
            return Future.succeededFuture();
        }
        return requireServer(serverId).compose(v -> reload(serverId))
                .compose(v -> cache.containsKey(serverId) ? Future.succeededFuture()
                        : createIfMissing(serverId, "system", null));
    }

    /** The keys of a server, newest first, public parts only. */
    public Future<List<SigningKeyInfo>> list(String serverId) {
        return ensure(serverId).compose(v -> store.forServer(db.pool(), serverId)).map(rows -> {
            Instant now = Instant.now();
            List<SigningKeyInfo> out = new ArrayList<>();
            for (SigningKeyStore.Stored s : rows) {
                Key k = publicKey(s);
                out.add(new SigningKeyInfo(k.kid(), serverId, s.alg(), s.status(), s.created(), s.retiredAt(),
                        k.publishedUntil(), k.published(now), k.publicJwk().toJSONObject()));
            }
            return out;
        });
    }

    /** Retires the current key (it stays published for {@link #MAX_TOKEN_LIFETIME}) and makes a new current one. */
    public Future<SigningKeyInfo> rotate(String serverId, Caller caller) {
        String alg = config.signingAlg();
        return requireServer(serverId)
                .compose(v -> vertx.executeBlocking(() -> GeneratedKey.generate(alg, master), false))
                .compose(key -> db.inTransaction(tx -> store.lock(tx, serverId)
                        .compose(v -> store.currentKid(tx, serverId))
                        .compose(previous -> {
                            var now = Rows.now();
                            Future<Void> retired = previous.isPresent() ? store.retire(tx, previous.get(), now)
                                    : Future.succeededFuture();
                            return retired.compose(v -> store.insert(tx, serverId, key, now))
                                    .compose(v -> audit.append(tx, AuditRecord.success(caller,
                                            previous.isPresent() ? "signing_key.rotated" : "signing_key.created",
                                            serverId, AuditRecord.fields().put("kid", key.kid()).put("alg", alg)
                                                    .put("previous_kid", previous.orElse(null)))))
                                    .compose(e -> store.notifyChange(tx, serverId))
                                    .map(v -> new SigningKeyInfo(key.kid(), serverId, alg, "CURRENT",
                                            now.toInstant(), null, null, true, key.publicJwk().toJSONObject()));
                        })))
                .compose(info -> reload(serverId).map(info));
    }

    private Future<Void> requireServer(String serverId) {
        if (ORG.equals(serverId)) {
            return Future.succeededFuture();
        }
        if (!Ids.isValid("aus", serverId)) {
            return Future.failedFuture(ApiException.notFound("authorization server " + Ids.sanitize(serverId)));
        }
        return store.serverStatus(db.pool(), serverId).compose(status -> status.isPresent()
                ? Future.succeededFuture()
                : Future.failedFuture(ApiException.notFound("authorization server " + serverId)));
    }

    /** Creates the server's first key unless another request or instance got there first. */
    private Future<Void> createIfMissing(String serverId, String actor, String requestId) {
        String alg = config.signingAlg();
        return vertx.executeBlocking(() -> GeneratedKey.generate(alg, master), false)
                .compose(key -> db.inTransaction(tx -> store.lock(tx, serverId)
                        .compose(v -> store.currentKid(tx, serverId))
                        .compose(existing -> {
                            if (existing.isPresent()) {
                                return Future.<Void>succeededFuture();
                            }
                            return store.insert(tx, serverId, key, Rows.now())
                                    .compose(v -> audit.append(tx, new AuditRecord("signing_key.created", actor,
                                            serverId, AuditRecord.SUCCESS, requestId, null, AuditRecord.fields()
                                            .put("kid", key.kid()).put("alg", alg))))
                                    .compose(e -> store.notifyChange(tx, serverId))
                                    .onSuccess(v -> LOG.info("created signing key {} ({}) for {}", key.kid(), alg, serverId));
                        })))
                .compose(v -> reload(serverId));
    }

    private Future<Void> reloadAll() {
        return store.all(db.pool()).compose(rows -> {
            Map<String, List<SigningKeyStore.Stored>> byServer = new LinkedHashMap<>();
            rows.forEach(r -> byServer.computeIfAbsent(r.serverId(), k -> new ArrayList<>()).add(r));
            return vertx.executeBlocking(() -> {
                Map<String, ServerKeys> loaded = new LinkedHashMap<>();
                byServer.forEach((server, list) -> {
                    ServerKeys keys = build(list);
                    if (keys != null) {
                        loaded.put(server, keys);
                    }
                });
                return loaded;
            }, false);
        }).map(loaded -> {
            cache.putAll(loaded);
            LOG.info("loaded signing keys of {} authorization server(s)", loaded.size());
            return null;
        });
    }

    private Future<Void> reload(String serverId) {
        return store.forServer(db.pool(), serverId)
                .compose(rows -> vertx.executeBlocking(() -> java.util.Optional.ofNullable(build(rows)), false))
                .map(keys -> {
                    keys.ifPresent(k -> cache.put(serverId, k));
                    return null;
                });
    }

    /** Blocking (decrypts): the current key with its signer and every key's public part; null if none is current. */
    private ServerKeys build(List<SigningKeyStore.Stored> rows) {
        Key current = null;
        JWSSigner signer = null;
        List<Key> keys = new ArrayList<>();
        for (SigningKeyStore.Stored s : rows) {
            Key k = publicKey(s);
            keys.add(k);
            if ("CURRENT".equals(s.status())) {
                current = k;
                signer = signer(s);
            }
        }
        return current == null ? null : new ServerKeys(current, signer, List.copyOf(keys));
    }

    private JWSSigner signer(SigningKeyStore.Stored s) {
        byte[] plain = master.decrypt(s.privateEncrypted(), s.kid());
        try {
            JWK jwk = JWK.parse(new String(plain, StandardCharsets.UTF_8));
            java.util.Arrays.fill(plain, (byte) 0);
            if (jwk instanceof ECKey ec) {
                return EcdsaProvider.signer(ec);
            }
            if (jwk instanceof RSAKey rsa) {
                return new RSASSASigner(rsa);
            }
            throw new IllegalStateException("signing key " + s.kid() + " has an unsupported type");
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException("signing key " + s.kid() + " is unreadable", e);
        }
    }

    private static Key publicKey(SigningKeyStore.Stored s) {
        try {
            return new Key(s.kid(), s.serverId(), JWSAlgorithm.parse(s.alg()), JWK.parse(s.publicJwk()), s.status(),
                    s.created(), s.retiredAt());
        } catch (ParseException e) {
            throw new IllegalStateException("stored public key " + s.kid() + " is unreadable", e);
        }
    }
}
