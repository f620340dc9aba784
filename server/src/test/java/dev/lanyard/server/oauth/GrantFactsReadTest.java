package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.store.TestDatabase;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Grants read their facts in shared statements when they arrive together: each read must still get its own agent,
 * server, connections, key status and user, and a read that fails (unknown agent, inactive key) must fail alone.
 */
class GrantFactsReadTest {
    private static TestDatabase td;
    private static GrantFacts facts;

    @BeforeAll
    static void start() throws Exception {
        td = TestDatabase.start("lanyard-grant-facts-");
        facts = new GrantFacts(td.db()::genericPlanPool);
        sql("""
                INSERT INTO users (id, seq, login, email, display_name, status, version, created, updated, created_by)
                VALUES ('usr_a', 1, 'ann', 'ann@example.com', 'Ann', 'ACTIVE', 1, now(), now(), 't'),
                       ('usr_b', 2, 'bob', 'bob@example.com', 'Bob', 'SUSPENDED', 1, now(), now(), 't')""");
        sql("""
                INSERT INTO authorization_servers (id, seq, name, description, access_token_ttl_seconds, status, version,
                                                   created, updated, created_by)
                VALUES ('aus_one', 1, 'one', '', 300, 'ACTIVE', 1, now(), now(), 't'),
                       ('aus_two', 2, 'two', '', 600, 'INACTIVE', 1, now(), now(), 't')""");
        sql("""
                INSERT INTO resources (id, server_id, uri, name, scopes, tags, created, updated, version)
                VALUES ('res_1', 'aus_one', 'https://one/mcp', 'one', '{r1}', '{}', now(), now(), 1),
                       ('res_2', 'aus_two', 'https://two/mcp', 'two', '{r2a,r2b}', '{t}', now(), now(), 1)""");
        sql("""
                INSERT INTO agents (id, seq, name, description, agent_type, status, risk_level, default_scopes,
                                    max_session_seconds, tags, version, created, updated, created_by)
                SELECT 'agt_' || g, g, 'a' || g, '', 'AUTONOMOUS', CASE WHEN g = 7 THEN 'INACTIVE' ELSE 'ACTIVE' END,
                       'LOW', '{}', 100 + g, '{}', 1, now(), now(), 't'
                  FROM generate_series(1, 40) g""");
        sql("""
                INSERT INTO agent_keys (id, agent_id, kid, kty, alg, jwk, status, created, updated)
                SELECT 'key_' || g, 'agt_' || g, 'k' || g, 'EC', 'ES256', '{}',
                       CASE WHEN g = 9 THEN 'INACTIVE' ELSE 'ACTIVE' END, now(), now()
                  FROM generate_series(1, 40) g""");
        sql("""
                INSERT INTO connections (id, seq, agent_id, server_id, resource_id, connection_type, scope_condition,
                                         scopes, status, version, created, updated, created_by)
                SELECT 'con_' || g, g, 'agt_' || g, CASE WHEN g % 2 = 0 THEN 'aus_one' ELSE 'aus_two' END, NULL,
                       CASE WHEN g % 3 = 0 THEN 'IDENTITY_ASSERTION' ELSE 'CLIENT_CREDENTIALS' END, 'ALL_SCOPES',
                       '{}', 'ACTIVE', 1, now(), now(), 't'
                  FROM generate_series(1, 40) g""");
    }

    @AfterAll
    static void stop() throws Exception {
        td.close();
    }

    private static void sql(String statement) throws Exception {
        TestDatabase.await(td.db().pool().query(statement).execute());
    }

    private static GrantRequest agent(int n) {
        return new GrantRequest(null, new AuthenticatedClient("agt_" + n, "agt_" + n, "key_" + n, "k" + n,
                "private_key_jwt"), null, null, null, null);
    }

    /**
     * Plans made for the batched read in every session of a pool: {custom (made for one execution), generic (kept)}.
     * Holding all of the pool's connections at once reaches each session.
     */
    private static long[] plansOfTheBatchedRead(io.vertx.sqlclient.Pool pool, int size) throws Exception {
        List<io.vertx.sqlclient.SqlConnection> held = new ArrayList<>();
        try {
            long[] plans = new long[2];
            for (int i = 0; i < size; i++) {
                held.add(TestDatabase.await(pool.getConnection()));
            }
            for (io.vertx.sqlclient.SqlConnection c : held) {
                var row = TestDatabase.await(c.query("SELECT coalesce(sum(custom_plans), 0) AS custom, "
                        + "coalesce(sum(generic_plans), 0) AS generic FROM pg_prepared_statements "
                        + "WHERE statement LIKE '%WITH ORDINALITY AS q(agent_id%'").execute()).iterator().next();
                plans[0] += row.getLong("custom");
                plans[1] += row.getLong("generic");
            }
            return plans;
        } finally {
            for (io.vertx.sqlclient.SqlConnection c : held) {
                c.close();
            }
        }
    }

    /**
     * PostgreSQL would plan the batched read again for every batch (a plan for the batch's exact size always looks
     * cheaper than the generic one; 0.68 ms of planning per statement for 0.23 ms of execution under token load). On
     * the generic-plan pool each session plans it once, whatever the batch sizes; the ordinary pool shows the cost.
     */
    @Test
    void theBatchedReadIsPlannedOncePerSessionWhateverTheBatchSize() throws Exception {
        GrantFacts onOrdinaryPool = new GrantFacts(td.db()::pool);
        for (GrantFacts f : List.of(facts, onOrdinaryPool)) {
            for (int round = 0; round < 12; round++) {
                List<Future<GrantFacts.Context>> reads = new ArrayList<>();
                for (int n = 1; n <= 1 + round % 6; n++) {
                    reads.add(f.context(agent(n * 2), "aus_one", "CLIENT_CREDENTIALS"));
                }
                for (Future<GrantFacts.Context> r : reads) {
                    TestDatabase.await(r);
                }
            }
        }
        long[] generic = plansOfTheBatchedRead(td.db().genericPlanPool(), 3);
        assertEquals(0, generic[0], "no plan made for one execution on the generic-plan pool");
        assertTrue(generic[1] >= 12, "every execution used the kept plan: " + generic[1]);
        long[] ordinary = plansOfTheBatchedRead(td.db().pool(), 16);
        assertTrue(ordinary[0] > 5, "the ordinary pool plans batches of each size anew: " + ordinary[0]);
    }

    @Test
    void readsMadeTogetherEachGetTheirOwnFacts() throws Exception {
        List<Future<GrantFacts.Context>> reads = new ArrayList<>();
        for (int round = 0; round < 5; round++) {
            for (int n = 1; n <= 40; n++) {
                String server = n % 4 < 2 ? "aus_one" : "aus_two";
                String type = n % 3 == 0 ? "IDENTITY_ASSERTION" : "CLIENT_CREDENTIALS";
                String user = n % 5 == 0 ? null : n % 2 == 0 ? "usr_a" : "usr_b";
                reads.add(facts.context(agent(n), server, type, user));
            }
            reads.add(facts.context(agent(41), "aus_one", "CLIENT_CREDENTIALS"));
        }
        int i = 0;
        for (int round = 0; round < 5; round++) {
            for (int n = 1; n <= 40; n++) {
                Future<GrantFacts.Context> read = reads.get(i++);
                String server = n % 4 < 2 ? "aus_one" : "aus_two";
                String type = n % 3 == 0 ? "IDENTITY_ASSERTION" : "CLIENT_CREDENTIALS";
                if (n == 7 || n == 9) {
                    OAuthException e = refused(read);
                    assertEquals("invalid_client", e.error());
                    assertTrue(e.getMessage().contains(n == 7 ? "agent is not active" : "key that signed"),
                            e.getMessage());
                    continue;
                }
                GrantFacts.Context ctx = TestDatabase.await(read);
                assertEquals("agt_" + n, ctx.agent().id());
                assertEquals(100 + n, ctx.agent().maxSessionSeconds());
                GrantFacts.Server s = ctx.server().orElseThrow();
                assertEquals(server, s.id());
                assertEquals(server.equals("aus_one") ? 300 : 600, s.accessTokenTtlSeconds());
                assertEquals(List.of(server.equals("aus_one") ? "https://one/mcp" : "https://two/mcp"),
                        ctx.resources().stream().map(GrantFacts.Resource::uri).toList());
                boolean connected = server.equals(n % 2 == 0 ? "aus_one" : "aus_two")
                        && type.equals(n % 3 == 0 ? "IDENTITY_ASSERTION" : "CLIENT_CREDENTIALS");
                assertEquals(connected ? List.of("con_" + n) : List.of(),
                        ctx.connections().stream().map(GrantFacts.ConnectionRow::id).toList(), "agent " + n);
                if (n % 5 == 0) {
                    assertTrue(ctx.user().isEmpty());
                } else {
                    GrantFacts.User u = ctx.user().orElseThrow();
                    assertEquals(n % 2 == 0 ? "ACTIVE" : "SUSPENDED", u.status());
                    assertEquals(n % 2 == 0 ? "ann@example.com" : "bob@example.com", u.email());
                }
            }
            OAuthException unknown = refused(reads.get(i++));
            assertTrue(unknown.getMessage().contains("unknown client"), unknown.getMessage());
        }
    }

    @Test
    void aReadAskedAfterAChangeSeesTheChange() throws Exception {
        assertEquals("ACTIVE", TestDatabase.await(facts.context(agent(30), "aus_one", "IDENTITY_ASSERTION"))
                .agent().status());
        sql("UPDATE agent_keys SET status = 'INACTIVE' WHERE id = 'key_30'");
        try {
            OAuthException e = refused(facts.context(agent(30), "aus_one", "IDENTITY_ASSERTION"));
            assertTrue(e.getMessage().contains("key that signed"), e.getMessage());
        } finally {
            sql("UPDATE agent_keys SET status = 'ACTIVE' WHERE id = 'key_30'");
        }
    }

    private static OAuthException refused(Future<?> read) throws Exception {
        try {
            TestDatabase.await(read);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof OAuthException o) {
                return o;
            }
            throw e;
        } catch (OAuthException o) {
            return o;
        }
        throw new AssertionError("expected a refusal");
    }
}
