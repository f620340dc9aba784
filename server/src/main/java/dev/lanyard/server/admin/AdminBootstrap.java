package dev.lanyard.server.admin;

import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRecord;
import dev.lanyard.server.store.Database;
import io.vertx.core.Future;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the first start with an empty database, creates the first admin token: {@code LANYARD_ADMIN_TOKEN} if set,
 * otherwise a generated one printed once on stdout (never logged). Later starts leave tokens alone.
 */
public final class AdminBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

    private AdminBootstrap() {}

    public static Future<Void> run(Database db, AdminTokenStore store, AuditLog audit, Optional<String> configured) {
        return db.inTransaction(tx -> tx.query("LOCK TABLE admin_tokens IN EXCLUSIVE MODE").execute()
                .compose(v -> store.isEmpty(tx))
                .compose(empty -> {
                    if (!empty) {
                        return Future.succeededFuture(false);
                    }
                    String secret = configured.orElseGet(AdminTokenSecret::generate);
                    return store.insert(tx, "bootstrap", Role.ADMIN, null, "system", secret)
                            .compose(token -> audit.append(tx, new AuditRecord("admin_token.created", "system", token.id(),
                                    AuditRecord.SUCCESS, null, null, AuditRecord.fields().put("name", token.name())
                                    .put("role", "admin").put("source", configured.isPresent() ? "LANYARD_ADMIN_TOKEN" : "generated"))))
                            .map(e -> {
                                if (configured.isEmpty()) {
                                    // stdout, not the log: the operator sees it once and no log shipper keeps it
                                    System.out.println("Lanyard: first admin token (shown once, store it safely): " + secret);
                                    System.out.flush();
                                }
                                return true;
                            });
                })).map(created -> {
                    if (created) {
                        LOG.info("created the first admin token");
                    } else if (configured.isPresent()) {
                        LOG.info("LANYARD_ADMIN_TOKEN ignored: admin tokens already exist");
                    }
                    return null;
                });
    }
}
