package dev.lanyard.server.connections;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.authservers.AuthServerRequests;
import dev.lanyard.server.http.MergePatch;
import dev.lanyard.server.directory.Validate;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Ids;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Bodies of the connection endpoints; all field rules for connections live here. */
public final class ConnectionRequests {
    private ConnectionRequests() {}

    public record Create(
            @JsonProperty("authorization_server_id") String authorizationServerId,
            @JsonProperty("resource_id") String resourceId,
            @JsonProperty("connection_type") ConnectionType connectionType,
            @JsonProperty("scope_condition") ScopeCondition scopeCondition,
            List<String> scopes) {
        public Create {
            if (!Ids.isValid("aus", authorizationServerId)) {
                throw new IllegalArgumentException("authorization_server_id is required: an authorization server id (aus_…)");
            }
            if (resourceId != null && !Ids.isValid("res", resourceId)) {
                throw new IllegalArgumentException("resource_id is not a resource id (res_…)");
            }
            if (connectionType == null) {
                throw new IllegalArgumentException("connection_type is required: 'identity_assertion' or 'client_credentials'");
            }
            scopes = ConnectionRequests.scopes(scopeCondition, scopes);
        }
    }

    /** A JSON merge patch of a connection: {@code scope_condition} and {@code scopes}, always together. */
    public record Patch(ScopeCondition scopeCondition, List<String> scopes, Integer version) {
        private static final Set<String> FIELDS = Set.of("scope_condition", "scopes", "version");
        private static final Map<String, String> IMMUTABLE = Map.of(
                "id", "id cannot be changed",
                "agent_id", "a connection can't move to another agent",
                "authorization_server_id", "the target of a connection can't change; make a new connection instead",
                "authorization_server", "the target of a connection can't change; make a new connection instead",
                "resource_id", "the target of a connection can't change; make a new connection instead",
                "resource", "the target of a connection can't change; make a new connection instead",
                "connection_type", "connection_type can't change; make a new connection instead",
                "status", "status changes through POST …/connections/{id}/lifecycle/activate or deactivate");

        public static Patch from(JsonNode body) {
            ObjectNode obj = MergePatch.object(body, FIELDS, IMMUTABLE);
            if (!obj.has("scope_condition") || !obj.has("scopes")) {
                throw ApiException.invalid("scope_condition and scopes are changed together: give both");
            }
            try {
                String condition = MergePatch.text(obj, "scope_condition").orElseThrow();
                ScopeCondition c = ScopeCondition.fromWire(condition);
                return new Patch(c, ConnectionRequests.scopes(c, MergePatch.strings(obj, "scopes").orElseThrow()), MergePatch.version(obj));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }
    }

    /** {@code ALL_SCOPES} is written {@code ["*"]}; the other conditions list 1 or more real scopes. */
    static List<String> scopes(ScopeCondition condition, List<String> scopes) {
        if (condition == null) {
            throw new IllegalArgumentException("scope_condition is required: 'ALL_SCOPES', 'INCLUDE_ONLY' or 'EXCLUDE'");
        }
        if (scopes == null) {
            throw new IllegalArgumentException("scopes is required (use [\"*\"] with ALL_SCOPES)");
        }
        if (condition == ScopeCondition.ALL_SCOPES) {
            if (!scopes.equals(List.of(AuthServerRequests.ALL))) {
                throw new IllegalArgumentException("scope_condition ALL_SCOPES requires scopes to be exactly [\"*\"]");
            }
            return List.of(AuthServerRequests.ALL);
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("scope_condition " + condition + " requires at least one scope");
        }
        if (scopes.contains(AuthServerRequests.ALL)) {
            throw new IllegalArgumentException("'*' is only for ALL_SCOPES; " + condition + " lists scopes by name");
        }
        return Validate.scopes("scopes", scopes);
    }

    /** Every listed scope must be one the target defines ({@code where} names the target in the message). */
    static void checkDefined(ScopeCondition condition, List<String> scopes, Collection<String> defined, String where) {
        if (condition == ScopeCondition.ALL_SCOPES) {
            return;
        }
        List<String> undefined = new ArrayList<>(scopes);
        undefined.removeAll(defined);
        if (!undefined.isEmpty()) {
            throw ApiException.invalid("scopes " + undefined + " are not defined by " + where);
        }
    }
}
