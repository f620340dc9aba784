package dev.lanyard.server.agents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import dev.lanyard.server.Api;
import dev.lanyard.server.Fixtures;
import dev.lanyard.server.TestServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentKeyTest {
    private final TestServer server = TestServer.shared();
    private final Api api = server.admin();
    private final Fixtures fx = new Fixtures(api);

    private static String keys(String agent) {
        return "/api/v1/ai-agents/" + agent + "/credentials/jwks";
    }

    private String stagedAgent() {
        return fx.agentId("autonomous", fx.user());
    }

    private Api.Resp add(String agent, Map<String, Object> jwk) {
        return api.post(keys(agent), jwk);
    }

    private static Map<String, Object> publicJwk(com.nimbusds.jose.jwk.JWK key) {
        Map<String, Object> m = new LinkedHashMap<>(key.toPublicJWK().toJSONObject());
        m.remove("kid");
        return m;
    }

    private static ECKey ec(Curve curve) {
        try {
            // BouncyCastle knows every curve (the JDK 17 provider has no secp256k1)
            return new ECKeyGenerator(curve).provider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String thumbprint(com.nimbusds.jose.jwk.JWK key) {
        try {
            return key.toPublicJWK().computeThumbprint().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String keyStatus(String agent, String keyId) {
        Api.Resp r = api.get(keys(agent) + "/" + keyId);
        assertEquals(200, r.status(), r.toString());
        return r.body().path("status").asText();
    }

    private static void assertError(Api.Resp r, int status, String code) {
        assertEquals(status, r.status(), r.toString());
        assertEquals(code, r.errorCode(), r.toString());
        assertFalse(r.summary().isEmpty(), r.toString());
        assertFalse(r.body().path("errorId").asText("").isEmpty(), r.toString());
        assertFalse(r.summary().contains("Exception") || r.summary().contains("com.nimbusds"), r.summary());
    }

    /** A refused key: 400, nothing stored, nothing audited. */
    private Api.Resp assertRefused(String agent, Map<String, Object> jwk, String summaryPart) {
        long keysBefore = server.count("agent_keys");
        List<String> auditBefore = fx.auditTypes(agent);
        Api.Resp r = add(agent, jwk);
        assertError(r, 400, "E0000001");
        assertTrue(r.summary().contains(summaryPart), "summary '" + r.summary() + "' should mention '" + summaryPart + "'");
        assertEquals(keysBefore, server.count("agent_keys"));
        assertEquals(auditBefore, fx.auditTypes(agent));
        assertEquals(0, api.get(keys(agent)).body().size());
        return r;
    }

    // ---- what is accepted ----

    @Test
    void ecKeyWithoutKidGetsTheRfc7638Thumbprint() {
        String agent = stagedAgent();
        ECKey key = Fixtures.ecKey();
        Api.Resp r = add(agent, publicJwk(key));
        assertEquals(201, r.status(), r.toString());
        JsonNode b = r.body();
        assertTrue(r.id().startsWith("key_"), r.id());
        assertEquals(thumbprint(key), b.path("kid").asText());
        assertEquals("ACTIVE", b.path("status").asText());
        assertEquals("EC", b.path("kty").asText());
        assertEquals("P-256", b.path("crv").asText());
        assertEquals(key.getX().toString(), b.path("x").asText());
        assertEquals(key.getY().toString(), b.path("y").asText());
        assertEquals("sig", b.path("use").asText());
        assertFalse(b.has("d"), b.toString());
        assertTrue(b.has("created") && b.has("updated"), b.toString());

        Api.Resp got = api.get(keys(agent) + "/" + r.id());
        assertEquals(200, got.status(), got.toString());
        assertEquals(b, got.body());
        Api.Resp list = api.get(keys(agent));
        assertEquals(200, list.status(), list.toString());
        assertEquals(1, list.body().size());
        assertEquals(b, list.body().get(0));
    }

    @Test
    void givenKidIsKept() {
        String agent = stagedAgent();
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("kid", "my-key-2026");
        Api.Resp r = add(agent, jwk);
        assertEquals(201, r.status(), r.toString());
        assertEquals("my-key-2026", r.body().path("kid").asText());
    }

    @Test
    void rsa2048IsAcceptedWithItsThumbprintAndAnRsaAlg() {
        String agent = stagedAgent();
        RSAKey key = Fixtures.rsaKey(2048);
        Map<String, Object> jwk = publicJwk(key);
        jwk.put("alg", "PS256");
        jwk.put("use", "sig");
        Api.Resp r = add(agent, jwk);
        assertEquals(201, r.status(), r.toString());
        assertEquals(thumbprint(key), r.body().path("kid").asText());
        assertEquals("RSA", r.body().path("kty").asText());
        assertEquals("PS256", r.body().path("alg").asText());
        assertEquals(key.getModulus().toString(), r.body().path("n").asText());
        assertEquals(key.getPublicExponent().toString(), r.body().path("e").asText());
        for (String priv : List.of("d", "p", "q", "dp", "dq", "qi")) {
            assertFalse(r.body().has(priv), r.toString());
        }
    }

    @Test
    void p384IsAcceptedWithEs384() {
        String agent = stagedAgent();
        Map<String, Object> jwk = publicJwk(ec(Curve.P_384));
        jwk.put("alg", "ES384");
        jwk.put("key_ops", List.of("verify"));
        Api.Resp r = add(agent, jwk);
        assertEquals(201, r.status(), r.toString());
        assertEquals("P-384", r.body().path("crv").asText());
        assertEquals("ES384", r.body().path("alg").asText());
    }

    @Test
    void keyMayBeAddedInactive() {
        String agent = stagedAgent();
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("status", "INACTIVE");
        Api.Resp r = add(agent, jwk);
        assertEquals(201, r.status(), r.toString());
        assertEquals("INACTIVE", r.body().path("status").asText());
        // an agent whose only key is inactive can't be activated
        assertError(api.post("/api/v1/ai-agents/" + agent + "/lifecycle/activate", null), 409, "E0000410");
    }

    @Test
    void storedJwkHoldsOnlyPublicMembers() throws Exception {
        String agent = stagedAgent();
        Api.Resp r = add(agent, publicJwk(Fixtures.ecKey()));
        assertEquals(201, r.status(), r.toString());
        try (Connection c = server.jdbc();
                PreparedStatement ps = c.prepareStatement("SELECT kid, kty, jwk, status FROM agent_keys WHERE id = ?")) {
            ps.setString(1, r.id());
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(r.body().path("kid").asText(), rs.getString("kid"));
                assertEquals("EC", rs.getString("kty"));
                assertEquals("ACTIVE", rs.getString("status"));
                JsonNode stored = Api.JSON.readTree(rs.getString("jwk"));
                assertFalse(stored.has("d"), stored.toString());
                assertEquals(r.body().path("x"), stored.path("x"));
            }
        }
    }

    @Test
    void unknownJwkMembersCannotShadowTheKeysOwnFields() {
        String agent = stagedAgent();
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("id", "key_01234567890123456789");
        jwk.put("created", "yesterday");
        jwk.put("agent_id", "agt_01234567890123456789");
        Api.Resp r = add(agent, jwk);
        assertEquals(201, r.status(), r.toString());
        assertTrue(r.id().startsWith("key_") && !r.id().equals("key_01234567890123456789"), r.toString());
        assertFalse(r.body().path("created").asText().equals("yesterday"), r.toString());
        assertFalse(r.body().has("agent_id"), r.toString());
        assertEquals(r.body(), api.get(keys(agent) + "/" + r.id()).body());
    }

    // ---- what is refused, one rule per test ----

    @Test
    void rsa1024IsRefused() {
        assertRefused(stagedAgent(), publicJwk(Fixtures.rsaKey(1024)), "2048");
    }

    @Test
    void p521IsRefused() {
        assertRefused(stagedAgent(), publicJwk(ec(Curve.P_521)), "P-256 or P-384");
    }

    @Test
    void secp256k1IsRefused() {
        assertRefused(stagedAgent(), publicJwk(ec(Curve.SECP256K1)), "P-256 or P-384");
    }

    @Test
    void octKeyIsRefused() {
        assertRefused(stagedAgent(), Api.map("kty", "oct", "k", "GawgguFyGrWKav7AX4VKUg"), "private");
    }

    @Test
    void okpKeyIsRefused() {
        // RFC 8037 A.2 public Ed25519 key
        assertRefused(stagedAgent(), Api.map("kty", "OKP", "crv", "Ed25519",
                "x", "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"), "kty");
    }

    @Test
    void encryptionUseIsRefused() {
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("use", "enc");
        assertRefused(stagedAgent(), jwk, "use");
    }

    @Test
    void signingKeyOpsAreRefused() {
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("key_ops", List.of("sign"));
        assertRefused(stagedAgent(), jwk, "key_ops");
    }

    @Test
    void algOfAnotherCurveIsRefused() {
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("alg", "ES384");
        assertRefused(stagedAgent(), jwk, "alg");
    }

    @Test
    void rsaAlgOnAnEcKeyIsRefused() {
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("alg", "RS256");
        assertRefused(stagedAgent(), jwk, "alg");
    }

    @Test
    void ecAlgOnAnRsaKeyIsRefused() {
        Map<String, Object> jwk = publicJwk(Fixtures.rsaKey(2048));
        jwk.put("alg", "ES256");
        assertRefused(stagedAgent(), jwk, "alg");
    }

    @Test
    void hmacOrNoneAlgOnAnRsaKeyIsRefused() {
        String agent = stagedAgent();
        RSAKey key = Fixtures.rsaKey(2048);
        for (String alg : List.of("HS256", "none")) {
            Map<String, Object> jwk = publicJwk(key);
            jwk.put("alg", alg);
            assertRefused(agent, jwk, "alg");
        }
    }

    @Test
    void privateEcKeyIsRefused() {
        ECKey key = Fixtures.ecKey();
        Map<String, Object> jwk = new LinkedHashMap<>(key.toJSONObject());
        assertTrue(jwk.containsKey("d"));
        Api.Resp r = assertRefused(stagedAgent(), jwk, "private");
        assertFalse(r.raw().contains(key.getD().toString()), "the private key is echoed: " + r);
    }

    @Test
    void privateRsaKeyIsRefused() {
        RSAKey key = Fixtures.rsaKey(2048);
        Map<String, Object> jwk = new LinkedHashMap<>(key.toJSONObject());
        assertTrue(jwk.containsKey("d"));
        Api.Resp r = assertRefused(stagedAgent(), jwk, "private");
        assertFalse(r.raw().contains(key.getPrivateExponent().toString()), "the private key is echoed: " + r);
    }

    @Test
    void anyPrivateRsaMemberAloneIsRefused() {
        String agent = stagedAgent();
        RSAKey key = Fixtures.rsaKey(2048);
        Map<String, Object> full = key.toJSONObject();
        for (String member : List.of("p", "q", "dp", "dq", "qi")) {
            Map<String, Object> jwk = publicJwk(key);
            jwk.put(member, full.get(member));
            assertRefused(agent, jwk, "private");
        }
    }

    @Test
    void malformedJwksAreRefused() {
        String agent = stagedAgent();
        assertRefused(agent, Api.map("kty", "EC", "crv", "P-256"), "JWK");
        assertRefused(agent, Api.map("kty", "RSA", "e", "AQAB"), "JWK");
        assertRefused(agent, Api.map("crv", "P-256", "x", "abc", "y", "def"), "JWK");
        // a point that is not on the curve
        Map<String, Object> offCurve = publicJwk(Fixtures.ecKey());
        offCurve.put("y", publicJwk(Fixtures.ecKey()).get("y"));
        assertRefused(agent, offCurve, "JWK");
        Map<String, Object> numericKid = publicJwk(Fixtures.ecKey());
        numericKid.put("kid", 42);
        assertRefused(agent, numericKid, "JWK");
    }

    @Test
    void overlongOrEmptyKidIsRefused() {
        String agent = stagedAgent();
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("kid", "k".repeat(201));
        assertRefused(agent, jwk, "kid");
        jwk.put("kid", "");
        assertRefused(agent, jwk, "kid");
    }

    @Test
    void unknownStatusIsRefused() {
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("status", "REVOKED");
        assertRefused(stagedAgent(), jwk, "status");
    }

    @Test
    void duplicateKidIs409() {
        String agent = stagedAgent();
        Map<String, Object> first = publicJwk(Fixtures.ecKey());
        first.put("kid", "same");
        assertEquals(201, add(agent, first).status());
        Map<String, Object> second = publicJwk(Fixtures.ecKey());
        second.put("kid", "same");
        long before = server.count("agent_keys");
        Api.Resp r = add(agent, second);
        assertError(r, 409, "E0000411");
        assertTrue(r.summary().contains("same"), r.summary());
        assertEquals(before, server.count("agent_keys"));
        assertEquals(1, api.get(keys(agent)).body().size());

        // the same kid on another agent is fine
        assertEquals(201, add(stagedAgent(), second).status());
    }

    @Test
    void sameKeyTwiceWithoutKidIs409() {
        String agent = stagedAgent();
        ECKey key = Fixtures.ecKey();
        assertEquals(201, add(agent, publicJwk(key)).status());
        assertError(add(agent, publicJwk(key)), 409, "E0000411");
        assertEquals(1, api.get(keys(agent)).body().size());
        assertEquals(List.of("agent.created", "agent.credential.added"), fx.auditTypes(agent));
    }

    @Test
    void unknownAgentOrKeyIs404() {
        String agent = stagedAgent();
        String key = fx.addKey(agent);
        String other = stagedAgent();
        String missingAgent = "agt_00000000000000000000";
        String missingKey = "key_00000000000000000000";
        long before = server.count("agent_keys");
        assertError(add(missingAgent, publicJwk(Fixtures.ecKey())), 404, "E0000007");
        assertError(add("not-an-id", publicJwk(Fixtures.ecKey())), 404, "E0000007");
        assertError(api.get(keys(missingAgent)), 404, "E0000007");
        assertError(api.get(keys(agent) + "/" + missingKey), 404, "E0000007");
        assertError(api.get(keys(agent) + "/not-a-key"), 404, "E0000007");
        // a key is only reachable through its own agent
        assertError(api.get(keys(other) + "/" + key), 404, "E0000007");
        assertError(api.post(keys(other) + "/" + key + "/lifecycle/deactivate", null), 404, "E0000007");
        assertError(api.delete(keys(other) + "/" + key), 404, "E0000007");
        assertError(api.post(keys(agent) + "/" + missingKey + "/lifecycle/activate", null), 404, "E0000007");
        assertEquals(before, server.count("agent_keys"));
        assertEquals("ACTIVE", keyStatus(agent, key));
    }

    // ---- key lifecycle ----

    @Test
    void activateAndDeactivateAreRefusedWhenAlreadyThere() {
        String agent = stagedAgent();
        String key = fx.addKey(agent);
        Api.Resp again = api.post(keys(agent) + "/" + key + "/lifecycle/activate", null);
        assertError(again, 409, "E0000410");
        assertEquals("ACTIVE", keyStatus(agent, key));

        // a STAGED agent may lose its last active key
        Api.Resp off = api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null);
        assertEquals(200, off.status(), off.toString());
        assertEquals("INACTIVE", off.body().path("status").asText());
        assertError(api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null), 409, "E0000410");
        assertEquals("INACTIVE", keyStatus(agent, key));

        Api.Resp on = api.post(keys(agent) + "/" + key + "/lifecycle/activate", null);
        assertEquals(200, on.status(), on.toString());
        assertEquals("ACTIVE", on.body().path("status").asText());
    }

    @Test
    void lastActiveKeyOfAnActiveAgentCannotBeDeactivated() {
        String agent = fx.activeAgent();
        String key = api.get(keys(agent)).body().get(0).path("id").asText();
        Api.Resp r = api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null);
        assertError(r, 409, "E0000410");
        assertTrue(r.summary().contains("last active key"), r.summary());
        assertEquals("ACTIVE", keyStatus(agent, key));
        assertEquals("ACTIVE", api.get("/api/v1/ai-agents/" + agent).body().path("status").asText());

        // an inactive second key doesn't count
        Map<String, Object> jwk = publicJwk(Fixtures.ecKey());
        jwk.put("status", "INACTIVE");
        assertEquals(201, add(agent, jwk).status());
        assertError(api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null), 409, "E0000410");
        assertEquals("ACTIVE", keyStatus(agent, key));

        // once the agent is deactivated, so can its key be
        assertEquals(200, api.post("/api/v1/ai-agents/" + agent + "/lifecycle/deactivate", null).status());
        assertEquals(200, api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null).status());
    }

    @Test
    void activeKeyCannotBeDeleted() {
        String agent = stagedAgent();
        String key = fx.addKey(agent);
        Api.Resp r = api.delete(keys(agent) + "/" + key);
        assertError(r, 409, "E0000410");
        assertTrue(r.summary().contains("deactivate it first"), r.summary());
        assertEquals("ACTIVE", keyStatus(agent, key));
    }

    @Test
    void inactiveKeyCanBeDeletedOnce() {
        String agent = stagedAgent();
        String key = fx.addKey(agent);
        assertEquals(200, api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null).status());
        Api.Resp del = api.delete(keys(agent) + "/" + key);
        assertEquals(204, del.status(), del.toString());
        assertError(api.get(keys(agent) + "/" + key), 404, "E0000007");
        assertError(api.delete(keys(agent) + "/" + key), 404, "E0000007");
        assertEquals(0, api.get(keys(agent)).body().size());
    }

    @Test
    void rotationAddsTheNewKeyThenRetiresTheOld() {
        String agent = fx.activeAgent();
        String oldKey = api.get(keys(agent)).body().get(0).path("id").asText();
        String newKey = fx.addKey(agent);
        Api.Resp off = api.post(keys(agent) + "/" + oldKey + "/lifecycle/deactivate", null);
        assertEquals(200, off.status(), off.toString());
        assertEquals(204, api.delete(keys(agent) + "/" + oldKey).status());
        assertEquals("ACTIVE", api.get("/api/v1/ai-agents/" + agent).body().path("status").asText());
        List<String> left = new ArrayList<>();
        api.get(keys(agent)).body().forEach(k -> left.add(k.path("id").asText()));
        assertEquals(List.of(newKey), left);
        // the new key is now the last one, and protected
        assertError(api.post(keys(agent) + "/" + newKey + "/lifecycle/deactivate", null), 409, "E0000410");
    }

    @Test
    void keyListIsInCreationOrder() {
        String agent = stagedAgent();
        List<String> added = List.of(fx.addKey(agent), fx.addKey(agent), fx.addKey(agent));
        List<String> listed = new ArrayList<>();
        api.get(keys(agent)).body().forEach(k -> listed.add(k.path("id").asText()));
        assertEquals(added, listed);
    }

    @Test
    void everyKeyChangeIsAudited() {
        String agent = stagedAgent();
        Api.Resp added = add(agent, publicJwk(Fixtures.ecKey()));
        assertEquals(201, added.status());
        String key = added.id();
        String kid = added.body().path("kid").asText();
        assertEquals(200, api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null).status());
        assertEquals(200, api.post(keys(agent) + "/" + key + "/lifecycle/activate", null).status());
        assertEquals(200, api.post(keys(agent) + "/" + key + "/lifecycle/deactivate", null).status());
        assertEquals(204, api.delete(keys(agent) + "/" + key).status());
        // refusals are not audited
        api.delete(keys(agent) + "/" + key);
        add(agent, Api.map("kty", "oct", "k", "AAAA"));

        List<JsonNode> events = fx.auditEvents(agent);
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.path("type").asText()));
        assertEquals(List.of("agent.created", "agent.credential.added", "agent.credential.deactivated",
                "agent.credential.activated", "agent.credential.deactivated", "agent.credential.deleted"), types);
        for (JsonNode e : events.subList(1, events.size())) {
            assertEquals(key, e.path("details").path("key_id").asText(), e.toString());
            assertEquals(kid, e.path("details").path("kid").asText(), e.toString());
            assertEquals(agent, e.path("target").asText());
        }
        assertEquals("EC", events.get(1).path("details").path("kty").asText());
        assertEquals("ACTIVE", events.get(1).path("details").path("status").asText());
    }
}
