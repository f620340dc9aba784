package dev.lanyard.server.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cursor paging and list filters of agents and users. The data set is built once; a unique name prefix (filter
 * {@code q}) keeps other tests' agents and users out of every listing.
 */
class PagingAndFiltersTest {
    private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");
    private static final TestServer SERVER = TestServer.shared();
    private static final Api API = SERVER.admin();
    private static final Fixtures FX = new Fixtures(API);

    private static String prefix;
    private static String u1;
    private static String u2;
    /** In creation order: a1 autonomous u1 ACTIVE, a2 scheduled u1 STAGED, a3 user_delegated u2 STAGED,
     *  a4 autonomous u1+u2 INACTIVE, a5 autonomous u2 STAGED, a6 scheduled u2 ACTIVE, a7 autonomous u1 STAGED. */
    private static List<String> agents;

    private static String userPrefix;
    private static List<String> users;

    @BeforeAll
    static void data() {
        prefix = Fixtures.unique("pg").toLowerCase();
        u1 = FX.user();
        u2 = FX.user();
        agents = new ArrayList<>();
        agents.add(agent(1, "autonomous", u1));
        agents.add(agent(2, "scheduled", u1));
        agents.add(agent(3, "user_delegated", u2));
        agents.add(agent(4, "autonomous", u1, u2));
        agents.add(agent(5, "autonomous", u2));
        agents.add(agent(6, "scheduled", u2));
        agents.add(agent(7, "autonomous", u1));
        for (int i : List.of(0, 3, 5)) {
            FX.addKey(agents.get(i));
            assertEquals(200, API.post("/api/v1/ai-agents/" + agents.get(i) + "/lifecycle/activate", null).status());
        }
        assertEquals(200, API.post("/api/v1/ai-agents/" + agents.get(3) + "/lifecycle/deactivate", null).status());
        // one more that shares no prefix
        assertEquals(201, FX.agent("autonomous", u1).status());

        userPrefix = Fixtures.unique("pgu").toLowerCase();
        users = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            // no password: hashing is slow and irrelevant here
            Api.Resp r = API.post("/api/v1/users", Api.map("login", userPrefix + "-" + i,
                    "email", userPrefix + i + "@example.com", "display_name", "Paged " + i));
            assertEquals(201, r.status(), r.toString());
            users.add(r.id());
        }
        assertEquals(200, API.post("/api/v1/users/" + users.get(1) + "/lifecycle/suspend", null).status());
        assertEquals(200, API.post("/api/v1/users/" + users.get(4) + "/lifecycle/deprovision", null).status());
    }

    private static String agent(int n, String type, String... owners) {
        Api.Resp r = API.post("/api/v1/ai-agents", Api.map("name", prefix + "-" + n, "agent_type", type,
                "owners", List.of(owners), "risk_level", "low"));
        assertEquals(201, r.status(), r.toString());
        return r.id();
    }

    private static List<String> ids(Api.Resp r) {
        assertEquals(200, r.status(), r.toString());
        assertTrue(r.body().isArray(), r.toString());
        List<String> ids = new ArrayList<>();
        r.body().forEach(n -> ids.add(n.path("id").asText()));
        return ids;
    }

    private static List<String> agentIds(String query) {
        return ids(API.get("/api/v1/ai-agents?q=" + prefix + (query.isEmpty() ? "" : "&" + query)));
    }

    private static List<String> pick(int... oneBased) {
        List<String> out = new ArrayList<>();
        for (int i : oneBased) {
            out.add(agents.get(i - 1));
        }
        return out;
    }

    private static String next(Api.Resp r) {
        String link = r.header("Link");
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        assertTrue(m.matches(), "Link header: " + link);
        String url = m.group(1);
        assertTrue(url.startsWith("/api/v1/"), "next link is not a path of this API: " + url);
        return url;
    }

    /** Follows rel="next" from {@code first} until there is none; returns the pages' ids. */
    private static List<List<String>> follow(String first) {
        List<List<String>> pages = new ArrayList<>();
        String url = first;
        while (url != null) {
            Api.Resp r = API.get(url);
            pages.add(ids(r));
            url = next(r);
            assertTrue(pages.size() <= 50, "paging does not end");
        }
        return pages;
    }

    private static void assertError(Api.Resp r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.errorCode(), r.toString());
        assertFalse(r.body().path("errorId").asText("").isEmpty(), r.toString());
        assertFalse(r.summary().contains("Exception"), r.summary());
    }

    // ---- agents: paging ----

    @Test
    void pagingWithLimit2VisitsEveryAgentOnceInCreationOrder() {
        List<List<String>> pages = follow("/api/v1/ai-agents?limit=2&q=" + prefix);
        assertEquals(List.of(2, 2, 2, 1), pages.stream().map(List::size).toList(), pages.toString());
        List<String> all = pages.stream().flatMap(List::stream).toList();
        assertEquals(agents, all);
        assertEquals(all.size(), new HashSet<>(all).size(), "duplicates: " + all);
        // the order is stable: a second walk sees the same pages
        assertEquals(pages, follow("/api/v1/ai-agents?limit=2&q=" + prefix));
        // and one big page agrees with the walk
        assertEquals(agents, agentIds("limit=200"));
    }

    @Test
    void aFullLastPageLinksToAnEmptyOne() {
        Api.Resp full = API.get("/api/v1/ai-agents?limit=7&q=" + prefix);
        assertEquals(agents, ids(full));
        String url = next(full);
        assertTrue(url != null, "a full page must link to the next");
        Api.Resp empty = API.get(url);
        assertEquals(List.of(), ids(empty));
        assertNull(empty.header("Link"));

        Api.Resp partial = API.get("/api/v1/ai-agents?limit=8&q=" + prefix);
        assertEquals(agents, ids(partial));
        assertNull(partial.header("Link"));
    }

    @Test
    void nextLinkKeepsTheFilters() {
        List<List<String>> pages = follow("/api/v1/ai-agents?status=STAGED&limit=1&q=" + prefix);
        assertEquals(pick(2, 3, 5, 7), pages.stream().flatMap(List::stream).toList());
        pages = follow("/api/v1/ai-agents?q=" + prefix + "&owner=" + u1 + "&type=autonomous&limit=1");
        assertEquals(pick(1, 4, 7), pages.stream().flatMap(List::stream).toList());
    }

    @Test
    void nextLinkEncodesAQueryWithSpaces() {
        String spaced = Fixtures.unique("sp").toLowerCase() + " x";
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Api.Resp r = API.post("/api/v1/ai-agents", Api.map("name", spaced + " " + i, "agent_type", "autonomous",
                    "owners", List.of(u1), "risk_level", "low"));
            assertEquals(201, r.status(), r.toString());
            made.add(r.id());
        }
        List<List<String>> pages = follow("/api/v1/ai-agents?limit=2&q=" + URLEncoder.encode(spaced, StandardCharsets.UTF_8));
        assertEquals(made, pages.stream().flatMap(List::stream).toList());
    }

    @Test
    void afterCursorOfAnEarlierPageStillWorks() {
        Api.Resp first = API.get("/api/v1/ai-agents?limit=3&q=" + prefix);
        String url = next(first);
        assertEquals(pick(4, 5, 6), ids(API.get(url)));
        // the same cursor again gives the same page
        assertEquals(pick(4, 5, 6), ids(API.get(url)));
    }

    @Test
    void changesBetweenPagesCauseNoDuplicatesOrGaps() {
        String own = Fixtures.unique("pgc").toLowerCase();
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Api.Resp r = API.post("/api/v1/ai-agents", Api.map("name", own + "-" + i, "agent_type", "scheduled",
                    "owners", List.of(u1), "risk_level", "low"));
            assertEquals(201, r.status(), r.toString());
            made.add(r.id());
        }
        Api.Resp first = API.get("/api/v1/ai-agents?limit=2&q=" + own);
        assertEquals(made.subList(0, 2), ids(first));
        // an earlier item changes (version bump) and a new one is created while the client pages
        String etag = API.get("/api/v1/ai-agents/" + made.get(0)).header("ETag");
        assertEquals(200, API.patch("/api/v1/ai-agents/" + made.get(0), Api.map("description", "moved?"), etag).status());
        Api.Resp late = API.post("/api/v1/ai-agents", Api.map("name", own + "-late", "agent_type", "scheduled",
                "owners", List.of(u1), "risk_level", "low"));
        assertEquals(201, late.status(), late.toString());
        List<String> rest = follow(next(first)).stream().flatMap(List::stream).toList();
        List<String> expected = new ArrayList<>(made.subList(2, 5));
        expected.add(late.id());
        assertEquals(expected, rest);
    }

    // ---- agents: filters ----

    @Test
    void filterByStatus() {
        assertEquals(pick(1, 6), agentIds("status=ACTIVE"));
        assertEquals(pick(2, 3, 5, 7), agentIds("status=STAGED"));
        assertEquals(pick(4), agentIds("status=INACTIVE"));
        assertEquals(pick(1, 6), agentIds("status=active"));
    }

    @Test
    void filterByType() {
        assertEquals(pick(1, 4, 5, 7), agentIds("type=autonomous"));
        assertEquals(pick(2, 6), agentIds("type=scheduled"));
        assertEquals(pick(3), agentIds("type=user_delegated"));
    }

    @Test
    void filterByOwner() {
        assertEquals(pick(1, 2, 4, 7), agentIds("owner=" + u1));
        assertEquals(pick(3, 4, 5, 6), agentIds("owner=" + u2));
        assertEquals(List.of(), agentIds("owner=usr_00000000000000000000"));
        // without q, the owner filter alone finds the same agents of u2 (u2 owns nothing else)
        assertEquals(pick(3, 4, 5, 6), ids(API.get("/api/v1/ai-agents?limit=200&owner=" + u2)));
    }

    @Test
    void filterByNamePrefix() {
        assertEquals(agents, agentIds(""));
        assertEquals(pick(3), ids(API.get("/api/v1/ai-agents?q=" + prefix + "-3")));
        assertEquals(agents, ids(API.get("/api/v1/ai-agents?q=" + prefix.toUpperCase())));
        // LIKE wildcards are literal
        assertEquals(List.of(), ids(API.get("/api/v1/ai-agents?q=" + prefix.substring(0, 3) + "%25")));
        assertEquals(List.of(), ids(API.get("/api/v1/ai-agents?q=" + prefix + "-_")));
        assertEquals(List.of(), ids(API.get("/api/v1/ai-agents?q=" + prefix + "x")));
    }

    @Test
    void filtersCombine() {
        assertEquals(pick(1), agentIds("status=ACTIVE&owner=" + u1));
        assertEquals(pick(6), agentIds("status=ACTIVE&type=scheduled"));
        assertEquals(pick(5, 7), agentIds("status=STAGED&type=autonomous"));
        assertEquals(pick(7), agentIds("status=STAGED&type=autonomous&owner=" + u1));
        assertEquals(pick(4), agentIds("status=INACTIVE&type=autonomous&owner=" + u2));
        assertEquals(List.of(), agentIds("status=INACTIVE&type=scheduled"));
        assertEquals(pick(2), ids(API.get("/api/v1/ai-agents?q=" + prefix + "-2&type=scheduled&owner=" + u1
                + "&status=STAGED")));
    }

    // ---- bad parameters ----

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=201", "limit=abc", "limit=-1", "limit=1.5", "limit=", "limit=99999999999",
            "after=abc", "after=", "after=cy0x", "after=eDE", "after=czk5OTk5OTk5OTk5OTk5OTk5OTk5OQ",
            "after=%25%25", "limit=2&limit=3", "q=a&q=b", "status=ACTIVE&status=STAGED", "status=bogus", "status=",
            "type=robot", "type=", "type=Autonomous&type=scheduled", "owner=bob", "owner=agt_01234567890123456789",
            "owner=a&owner=b"})
    void badAgentListParametersAre400(String query) {
        Api.Resp r = API.get("/api/v1/ai-agents?" + query);
        assertError(r, 400, "E0000001");
        assertTrue(r.summary().startsWith("Query parameter"), r.summary());
    }

    @ParameterizedTest
    @ValueSource(strings = {"limit=0", "limit=201", "limit=abc", "after=abc", "after=cy0x", "limit=1&limit=1",
            "q=a&q=a", "status=bogus", "status=ACTIVE&status=SUSPENDED", "after=czE&after=czI"})
    void badUserListParametersAre400(String query) {
        Api.Resp r = API.get("/api/v1/users?" + query);
        assertError(r, 400, "E0000001");
        assertTrue(r.summary().startsWith("Query parameter"), r.summary());
    }

    @Test
    void limitBoundsAreInclusive() {
        assertEquals(200, API.get("/api/v1/ai-agents?limit=1&q=" + prefix).status());
        assertEquals(200, API.get("/api/v1/ai-agents?limit=200&q=" + prefix).status());
        assertEquals(200, API.get("/api/v1/users?limit=200&q=" + userPrefix).status());
        // a cursor the server could have issued, but past the end, is simply an empty page
        String farAway = Base64.getUrlEncoder().withoutPadding().encodeToString("s999999999999".getBytes(StandardCharsets.US_ASCII));
        assertEquals(List.of(), ids(API.get("/api/v1/ai-agents?after=" + farAway)));
    }

    @Test
    void defaultPageSizeIs20() {
        Api.Resp r = API.get("/api/v1/ai-agents");
        long total = SERVER.count("agents");
        assertEquals(Math.min(20, total), ids(r).size(), r.toString());
        assertEquals(total >= 20, r.header("Link") != null, String.valueOf(r.header("Link")));
    }

    // ---- users ----

    @Test
    void usersPageWithLimit2InCreationOrder() {
        List<List<String>> pages = follow("/api/v1/users?limit=2&q=" + userPrefix);
        assertEquals(List.of(2, 2, 1), pages.stream().map(List::size).toList(), pages.toString());
        List<String> all = pages.stream().flatMap(List::stream).toList();
        assertEquals(users, all);
        assertEquals(all.size(), new HashSet<>(all).size());
        assertEquals(pages, follow("/api/v1/users?limit=2&q=" + userPrefix));
    }

    @Test
    void usersFilterByStatusAndPrefix() {
        String base = "/api/v1/users?limit=200&q=" + userPrefix;
        assertEquals(List.of(users.get(0), users.get(2), users.get(3)), ids(API.get(base + "&status=ACTIVE")));
        assertEquals(List.of(users.get(1)), ids(API.get(base + "&status=SUSPENDED")));
        assertEquals(List.of(users.get(4)), ids(API.get(base + "&status=deprovisioned")));
        assertEquals(List.of(users.get(2)), ids(API.get("/api/v1/users?q=" + userPrefix + "-3")));
        List<List<String>> pages = follow("/api/v1/users?status=ACTIVE&limit=1&q=" + userPrefix);
        assertEquals(List.of(users.get(0), users.get(2), users.get(3)), pages.stream().flatMap(List::stream).toList());
    }
}
