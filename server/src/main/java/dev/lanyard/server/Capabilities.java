package dev.lanyard.server;

import dev.lanyard.server.admin.AdminAuthHandler;
import dev.lanyard.server.agents.AgentKeyRoutes;
import dev.lanyard.server.agents.AgentKeyStore;
import dev.lanyard.server.agents.AgentRoutes;
import dev.lanyard.server.agents.AgentStore;
import dev.lanyard.server.directory.GroupRoutes;
import dev.lanyard.server.directory.GroupStore;
import dev.lanyard.server.directory.UserRoutes;
import dev.lanyard.server.directory.UserStore;
import dev.lanyard.server.admin.AdminTokenRoutes;
import dev.lanyard.server.admin.AdminTokenStore;
import dev.lanyard.server.audit.AuditLog;
import dev.lanyard.server.audit.AuditRoutes;
import dev.lanyard.server.store.Database;
import io.vertx.core.Vertx;
import dev.lanyard.server.http.ApiRouter;

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

    void mountApi(ApiRouter api) {
        new AdminTokenRoutes(db, adminTokens, audit, adminAuth).mount(api);
        new AuditRoutes(vertx, db).mount(api);
        UserStore users = new UserStore();
        new UserRoutes(vertx, db, users, audit).mount(api);
        new GroupRoutes(db, new GroupStore(), users, audit).mount(api);
        AgentStore agents = new AgentStore();
        new AgentRoutes(db, agents, audit).mount(api);
        new AgentKeyRoutes(db, agents, new AgentKeyStore(), audit).mount(api);
    }
}
