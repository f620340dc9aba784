package dev.lanyard.loadtest.scenario;

import com.nimbusds.jose.jwk.ECKey;
import io.vertx.core.Future;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code POST /oauth2/v1/token}: RFC 8693 token exchange of a user's ID token for an ID-JAG (Cross App Access), the
 * agent authenticated by private_key_jwt. Per request the server verifies two signatures (assertion and ID token),
 * claims the jti, reads agent, app, user, server, resource and connection, decides policy and signs and records the
 * ID-JAG. Target: at least 1,000 exchanges/s, p99 under 25 ms at 32 clients.
 *
 * <p>The ID token comes from a real sign-in through the HTML login form during setup. It lives an hour and the
 * server accepts it again and again (an ID token is not single use), so one token serves the whole run.
 */
public final class IdJagExchangeScenario implements Scenario {

    public static final String NAME = "token-id-jag";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Future<RequestPlan> prepare(ScenarioContext context) {
        TokenFixtures fx = new TokenFixtures(context.admin());
        ECKey key = ClientAssertionSigner.newKey();
        PlainHttp http = new PlainHttp(context.vertx(), context.admin().target());
        return fx.user().compose(user -> fx.app().compose(app ->
                        fx.activeAgent("user_delegated", user.id(), app.id(), key).compose(agent ->
                                fx.connectedServer(agent, "identity_assertion").compose(target ->
                                        new OrgSignIn(http).idToken(app, user.login(), TokenFixtures.PASSWORD)
                                                .compose(idToken -> orgIssuer(http).compose(orgIssuer ->
                                                        plan(context, agent, key, target, idToken, orgIssuer)))))))
                .onComplete(done -> http.close());
    }

    private static Future<RequestPlan> plan(ScenarioContext context, String agent, ECKey key,
                                            TokenFixtures.Target target, OrgSignIn.IdToken idToken, String orgIssuer) {
        // The ID token must stay valid past the end of the run: it is signed now and reused for every request.
        Instant runEnd = Instant.now().plus(context.spec().warmup()).plus(context.spec().duration()).plusSeconds(300);
        if (idToken.expiry().isBefore(runEnd)) {
            return Future.failedFuture(new IllegalStateException("the ID token expires at " + idToken.expiry()
                    + ", before this run would end: shorten --warmup/--duration"));
        }
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
        form.put("requested_token_type", "urn:ietf:params:oauth:token-type:id-jag");
        form.put("subject_token", idToken.value());
        form.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
        form.put("audience", target.issuer());
        form.put("resource", target.resource());
        form.put("scope", TokenFixtures.SCOPE);
        form.put("client_assertion_type", PreSignedTokenPlan.ASSERTION_TYPE);
        // At the org token endpoint the assertion's audience is the org issuer (the server's base URL).
        ClientAssertionSigner signer = new ClientAssertionSigner(key, agent, orgIssuer, Clock.systemUTC());
        return PreSignedTokenPlan.prepare(context, NAME, "/oauth2/v1/token", form, signer);
    }

    /** The org server's issuer as it announces it, rather than guessed from the address we connect to. */
    private static Future<String> orgIssuer(PlainHttp http) {
        return http.get("/.well-known/openid-configuration", Map.of("Accept", "application/json")).map(answer -> {
            if (answer.status() != 200) {
                throw new IllegalStateException("GET /.well-known/openid-configuration answered " + answer.status());
            }
            String issuer = new io.vertx.core.json.JsonObject(answer.body()).getString("issuer");
            if (issuer == null) {
                throw new IllegalStateException("discovery document has no issuer");
            }
            return issuer;
        });
    }
}
