package dev.lanyard.mcp.decision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.mcp.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decisions from the Lanyard server's OPA-compatible Data API ({@code POST /v1/data/lanyard/mcp/decision}), which
 * also writes them to the server's decision log. Authenticated with an adapter token (role {@code adapter}) that is
 * never logged. Any failure — refused, unreachable, slow, malformed — becomes a denial.
 */
public final class DataApiDecisionClient implements DecisionClient {
    private static final Logger LOG = LoggerFactory.getLogger(DataApiDecisionClient.class);
    private final HttpClient http;
    private final URI endpoint;
    private final String bearer;
    private final Duration timeout;

    public DataApiDecisionClient(HttpClient http, URI serverBase, String adapterToken, Duration timeout) {
        this.http = http;
        this.endpoint = serverBase.resolve("/v1/data/" + PATH + "?provenance=true");
        this.bearer = "Bearer " + adapterToken;
        this.timeout = timeout;
    }

    @Override
    public CompletionStage<Decision> decide(JsonNode input) {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Authorization", bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(Json.object().set("input", input))))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((r, e) -> {
            if (e != null) {
                LOG.warn("decision service unreachable: {}", e.toString());
                return Decision.unavailable("decision service unavailable");
            }
            if (r.statusCode() != 200) {
                LOG.warn("decision service answered {}", r.statusCode());
                return Decision.unavailable("decision service answered " + r.statusCode());
            }
            try {
                JsonNode body = Json.parse(r.body());
                return Decision.fromResult(body.get("result"), body.path("decision_id").textValue(), revision(body));
            } catch (Exception bad) {
                return Decision.unavailable("decision service answered malformed JSON");
            }
        });
    }

    /** OPA reports the bundle revision under {@code provenance} ({@code revision}, or per bundle). */
    private static String revision(JsonNode body) {
        JsonNode p = body.path("provenance");
        if (p.path("revision").isTextual()) {
            return p.path("revision").textValue();
        }
        for (Iterator<JsonNode> it = p.path("bundles").elements(); it.hasNext(); ) {
            JsonNode b = it.next();
            if (b.path("revision").isTextual()) {
                return b.path("revision").textValue();
            }
        }
        return null;
    }
}
