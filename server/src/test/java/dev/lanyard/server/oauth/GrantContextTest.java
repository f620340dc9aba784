package dev.lanyard.server.oauth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which of an agent's connections covers a resource, and with which scopes (the rest is exercised over HTTP). */
class GrantContextTest {
    private static final GrantFacts.Resource TICKETS = new GrantFacts.Resource("res_tickets", "https://tickets/mcp",
            List.of("tickets.read", "tickets.write", "tickets.admin"), List.of("internal"));
    private static final GrantFacts.Resource WIKI = new GrantFacts.Resource("res_wiki", "https://wiki/mcp",
            List.of("wiki.read"), List.of());

    private static GrantFacts.Context context(GrantFacts.ConnectionRow... rows) {
        return new GrantFacts.Context(null, Optional.empty(), Optional.empty(), List.of(TICKETS, WIKI), List.of(rows),
                List.of(), Optional.empty());
    }

    @Test
    void aConnectionNamingTheResourceWinsOverOneCoveringTheServer() {
        var serverWide = new GrantFacts.ConnectionRow("con_all", "IDENTITY_ASSERTION", "ALL_SCOPES", List.of(),
                "ACTIVE", null);
        var forTickets = new GrantFacts.ConnectionRow("con_t", "IDENTITY_ASSERTION", "INCLUDE_ONLY",
                List.of("tickets.read"), "INACTIVE", "res_tickets");
        // stored order puts resource-specific rows first, but the choice must not depend on it
        for (var ctx : List.of(context(forTickets, serverWide), context(serverWide, forTickets))) {
            var tickets = ctx.connection(TICKETS).orElseThrow();
            assertEquals("con_t", tickets.id());
            assertEquals("INACTIVE", tickets.status(), "the status is the connection's own, checked by the grant");
            assertEquals(List.of("tickets.read"), tickets.scopes());
            var wiki = ctx.connection(WIKI).orElseThrow();
            assertEquals("con_all", wiki.id());
            assertEquals(List.of("wiki.read"), wiki.scopes());
        }
    }

    @Test
    void scopeConditionsApplyToTheResourcesScopes() {
        var exclude = new GrantFacts.ConnectionRow("con_x", "CLIENT_CREDENTIALS", "EXCLUDE", List.of("tickets.admin"),
                "ACTIVE", null);
        assertEquals(List.of("tickets.read", "tickets.write"), context(exclude).connection(TICKETS).orElseThrow().scopes());
        var onlyWiki = new GrantFacts.ConnectionRow("con_w", "CLIENT_CREDENTIALS", "ALL_SCOPES", List.of(), "ACTIVE",
                "res_wiki");
        assertTrue(context(onlyWiki).connection(TICKETS).isEmpty(), "a connection for another resource covers nothing here");
        assertTrue(context().connection(TICKETS).isEmpty());
    }

    @Test
    void onlyTheApprovalsOnTheTargetResourceReachThePolicy() {
        var onTickets = new TokenPolicyInput.Approval("apr_1", TICKETS.uri(), List.of("tickets.admin"), "APPROVED",
                "2026-12-06T19:00:00Z");
        var onWiki = new TokenPolicyInput.Approval("apr_2", WIKI.uri(), List.of("wiki.read"), "APPROVED",
                "2026-12-06T19:00:00Z");
        var laterOnTickets = new TokenPolicyInput.Approval("apr_3", TICKETS.uri(), List.of("tickets.write"), "APPROVED",
                "2026-12-06T20:00:00Z");
        var ctx = new GrantFacts.Context(null, Optional.empty(), Optional.empty(), List.of(TICKETS, WIKI), List.of(),
                List.of(onTickets, onWiki, laterOnTickets), Optional.empty());
        assertEquals(List.of(onTickets, laterOnTickets), ctx.approvals(TICKETS));
        assertEquals(List.of(onWiki), ctx.approvals(WIKI));
    }
}
