package dev.lanyard.server;

import dev.lanyard.server.admin.AdminAuthHandler;
import dev.lanyard.server.admin.AdminTokenRoutes;
import dev.lanyard.server.admin.AdminTokenStore;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRoutes;
import dev.lanyard.server.store.Database;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/** The server's capabilities wired together once, shared by every HTTP verticle. */
final class Capabilities {
    private final Database db;
    private final AuditLog audit = new AuditLog();
    private final AdminTokenStore adminTokens = new AdminTokenStore();
    private final AdminAuthHandler adminAuth;
    private final Vertx vertx;

    Capabilities(Vertx vertx, Database db) {
        this.vertx = vertx;
        this.db = db;
        this.adminAuth = new AdminAuthHandler(db::pool, adminTokens, audit);
    }

    AdminAuthHandler adminAuth() {
        return adminAuth;
    }

    AuditLog audit() {
        return audit;
    }

    AdminTokenStore adminTokens() {
        return adminTokens;
    }

    void mountApi(Router api) {
        new AdminTokenRoutes(db, adminTokens, audit, adminAuth).mount(api);
        new AuditRoutes(vertx, db).mount(api);
    }
}
