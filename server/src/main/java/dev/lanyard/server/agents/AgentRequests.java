package dev.lanyard.server.agents;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.directory.Validate;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Ids;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Bodies of the agent endpoints; all field rules for agents live here. */
public final class AgentRequests {
    static final int MAX_OWNERS = 5;
    static final int MIN_SESSION = 60;
    static final int MAX_SESSION = 86_400;
    static final int DEFAULT_SESSION = 3_600;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}");

    private AgentRequests() {}

    public record Create(
            String name,
            String description,
            @JsonProperty("agent_type") AgentType agentType,
            List<String> owners,
            @JsonProperty("owner_group_id") String ownerGroupId,
            @JsonProperty("risk_level") RiskLevel riskLevel,
            @JsonProperty("default_scopes") List<String> defaultScopes,
            @JsonProperty("max_session_seconds") Integer maxSessionSeconds,
            List<String> tags,
            @JsonProperty("linked_app_id") String linkedAppId) {
        public Create {
            AgentRequests.name(name);
            Validate.length("description", description, 2000);
            if (agentType == null) {
                throw new IllegalArgumentException("agent_type is required: 'autonomous', 'user_delegated' or 'scheduled'");
            }
            owners = AgentRequests.owners(owners);
            AgentRequests.ownerGroup(ownerGroupId);
            if (riskLevel == null) {
                throw new IllegalArgumentException("risk_level is required: 'low', 'medium' or 'high'");
            }
            defaultScopes = defaultScopes == null ? List.of() : Validate.scopes("default_scopes", defaultScopes);
            maxSessionSeconds = AgentRequests.session(maxSessionSeconds == null ? DEFAULT_SESSION : maxSessionSeconds);
            tags = tags == null ? List.of() : Validate.tags(tags);
            AgentRequests.app(linkedAppId);
            description = description == null ? "" : description;
        }
    }

    /**
     * A JSON merge patch (RFC 7396) of an agent: absent members stay, {@code null} clears an optional member. Read
     * from the tree because a record can't tell "absent" from "null".
     */
    public record Patch(
            Optional<String> name,
            Optional<String> description,
            Optional<List<String>> owners,
            Optional<Optional<String>> ownerGroupId,
            Optional<RiskLevel> riskLevel,
            Optional<List<String>> defaultScopes,
            Optional<Integer> maxSessionSeconds,
            Optional<List<String>> tags,
            Optional<Optional<String>> linkedAppId,
            Integer version) {

        private static final Set<String> FIELDS = Set.of("name", "description", "owners", "owner_group_id",
                "risk_level", "default_scopes", "max_session_seconds", "tags", "linked_app_id", "version", "agent_type");

        public static Patch from(JsonNode body) {
            if (!(body instanceof ObjectNode obj)) {
                throw ApiException.invalid("The request body must be a JSON object");
            }
            for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!FIELDS.contains(f)) {
                    throw ApiException.invalid("Unknown field '" + f + "'");
                }
            }
            if (obj.has("agent_type")) {
                throw ApiException.invalid("agent_type cannot be changed; register a new agent instead");
            }
            try {
                Patch p = new Patch(
                        text(obj, "name", false).map(AgentRequests::name),
                        text(obj, "description", false).map(d -> Validate.length("description", d, 2000)),
                        list(obj, "owners").map(AgentRequests::owners),
                        nullable(obj, "owner_group_id").map(o -> o.map(AgentRequests::ownerGroup)),
                        text(obj, "risk_level", false).map(RiskLevel::fromWire),
                        list(obj, "default_scopes").map(s -> Validate.scopes("default_scopes", s)),
                        integer(obj, "max_session_seconds").map(AgentRequests::session),
                        list(obj, "tags").map(Validate::tags),
                        nullable(obj, "linked_app_id").map(o -> o.map(AgentRequests::app)),
                        integer(obj, "version").orElse(null));
                if (obj.size() == (obj.has("version") ? 1 : 0)) {
                    throw ApiException.invalid("nothing to update");
                }
                return p;
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
        }

        private static Optional<String> text(ObjectNode obj, String f, boolean nullable) {
            JsonNode n = obj.get(f);
            if (n == null) {
                return Optional.empty();
            }
            if (!n.isTextual()) {
                throw new IllegalArgumentException("Field '" + f + "' must be a string");
            }
            return Optional.of(n.textValue());
        }

        private static Optional<Optional<String>> nullable(ObjectNode obj, String f) {
            JsonNode n = obj.get(f);
            if (n == null) {
                return Optional.empty();
            }
            if (n.isNull()) {
                return Optional.of(Optional.empty());
            }
            return Optional.of(text(obj, f, true));
        }

        private static Optional<Integer> integer(ObjectNode obj, String f) {
            JsonNode n = obj.get(f);
            if (n == null) {
                return Optional.empty();
            }
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new IllegalArgumentException("Field '" + f + "' must be an integer");
            }
            return Optional.of(n.intValue());
        }

        private static Optional<List<String>> list(ObjectNode obj, String f) {
            JsonNode n = obj.get(f);
            if (n == null) {
                return Optional.empty();
            }
            if (!n.isArray()) {
                throw new IllegalArgumentException("Field '" + f + "' must be an array of strings");
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e : n) {
                if (!e.isTextual()) {
                    throw new IllegalArgumentException("Field '" + f + "' must be an array of strings");
                }
                out.add(e.textValue());
            }
            return Optional.of(out);
        }
    }

    static String name(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "name is required: 1 to 100 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }

    static List<String> owners(List<String> owners) {
        if (owners == null || owners.isEmpty() || owners.size() > MAX_OWNERS) {
            throw new IllegalArgumentException("owners must list 1 to " + MAX_OWNERS + " user ids");
        }
        for (String o : owners) {
            if (!Ids.isValid("usr", o)) {
                throw new IllegalArgumentException("owners entry '" + (o == null ? "null" : Ids.sanitize(o)) + "' is not a user id");
            }
        }
        if (owners.stream().distinct().count() != owners.size()) {
            throw new IllegalArgumentException("owners has duplicate entries");
        }
        return List.copyOf(owners);
    }

    static String ownerGroup(String id) {
        if (id != null && !Ids.isValid("grp", id)) {
            throw new IllegalArgumentException("owner_group_id is not a group id");
        }
        return id;
    }

    static String app(String id) {
        if (id != null && !Ids.isValid("app", id)) {
            throw new IllegalArgumentException("linked_app_id is not an app id (app_…)");
        }
        return id;
    }

    static int session(int seconds) {
        if (seconds < MIN_SESSION || seconds > MAX_SESSION) {
            throw new IllegalArgumentException("max_session_seconds must be from " + MIN_SESSION + " to " + MAX_SESSION);
        }
        return seconds;
    }

}
