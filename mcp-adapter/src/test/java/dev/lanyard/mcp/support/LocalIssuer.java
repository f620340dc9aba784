package dev.lanyard.mcp.support;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real authorization server as far as a resource server can tell: RFC 8414 metadata and a JWKS over real HTTP
 * (the JDK's HTTP server on a loopback port), and ES256 access tokens signed with a real key. Keys can be rotated;
 * requests to the JWKS are counted so refresh behaviour can be asserted.
 */
public final class LocalIssuer implements AutoCloseable {
    public static final String RESOURCE = "https://tools.example.test/mcp";

    private final HttpServer http;
    private final String issuer;
    private final List<ECKey> published = new CopyOnWriteArrayList<>();
    private volatile ECKey signing;
    public final AtomicInteger jwksRequests = new AtomicInteger();
    public final AtomicInteger metadataRequests = new AtomicInteger();
    private volatile String metadataIssuerOverride;

    public LocalIssuer() throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        issuer = "http://127.0.0.1:" + http.getAddress().getPort() + "/oauth2/aus_test";
        signing = newKey();
        published.add(signing);
        http.createContext("/.well-known/oauth-authorization-server/oauth2/aus_test", ex -> {
            metadataRequests.incrementAndGet();
            String iss = metadataIssuerOverride != null ? metadataIssuerOverride : issuer;
            byte[] body = ("{\"issuer\":\"" + iss + "\",\"jwks_uri\":\"" + issuer + "/v1/keys\","
                    + "\"token_endpoint\":\"" + issuer + "/v1/token\",\"authorization_endpoint\":\"" + issuer + "/v1/authorize\","
                    + "\"response_types_supported\":[\"code\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.createContext("/oauth2/aus_test/v1/keys", ex -> {
            jwksRequests.incrementAndGet();
            List<JWK> pub = new ArrayList<>();
            published.forEach(k -> pub.add(k.toPublicJWK()));
            byte[] body = new JWKSet(pub).toString().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
    }

    public static ECKey newKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String issuer() {
        return issuer;
    }

    public ECKey signingKey() {
        return signing;
    }

    /** Publishes a new key and signs with it from now on (the old one stays published). */
    public ECKey rotate() {
        ECKey k = newKey();
        published.add(k);
        signing = k;
        return k;
    }

    /** Makes the metadata document claim another issuer (a substituted metadata document). */
    public void lieAboutIssuer(String other) {
        metadataIssuerOverride = other;
    }

    /** The claims of a good token for {@link #RESOURCE}: agent acting for itself, 5 minutes. */
    public JWTClaimsSet.Builder claims(String agentId, String scope) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer).subject(agentId).audience(RESOURCE)
                .claim("client_id", agentId).claim("scope", scope).jwtID("atj_" + UUID.randomUUID())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("agent_id", agentId).claim("sid", "ses_" + UUID.randomUUID());
    }

    public String token(String agentId, String scope) {
        return sign(claims(agentId, scope).build());
    }

    public String sign(JWTClaimsSet claims) {
        return sign(signing, new JOSEObjectType("at+jwt"), claims);
    }

    public static String sign(ECKey key, JOSEObjectType typ, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(typ).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
