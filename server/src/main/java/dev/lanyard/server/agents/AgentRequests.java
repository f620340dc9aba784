package dev.lanyard.server.agents;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.server.directory.Validate;
import dev.lanyard.server.http.ApiException;
import dev.lanyard.server.http.Ids;
import dev.lanyard.server.http.MergePatch;
import java.util.Map;
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
                "risk_level", "default_scopes", "max_session_seconds", "tags", "linked_app_id", "version");

        public static Patch from(JsonNode body) {
            ObjectNode obj = MergePatch.object(body, FIELDS,
                    Map.of("agent_type", "agent_type cannot be changed; register a new agent instead"));
            try {
                return new Patch(
                        MergePatch.text(obj, "name").map(AgentRequests::name),
                        MergePatch.text(obj, "description").map(d -> Validate.length("description", d, 2000)),
                        MergePatch.strings(obj, "owners").map(AgentRequests::owners),
                        MergePatch.nullable(obj, "owner_group_id").map(o -> o.map(AgentRequests::ownerGroup)),
                        MergePatch.text(obj, "risk_level").map(RiskLevel::fromWire),
                        MergePatch.strings(obj, "default_scopes").map(s -> Validate.scopes("default_scopes", s)),
                        MergePatch.integer(obj, "max_session_seconds").map(AgentRequests::session),
                        MergePatch.strings(obj, "tags").map(Validate::tags),
                        MergePatch.nullable(obj, "linked_app_id").map(o -> o.map(AgentRequests::app)),
                        MergePatch.version(obj));
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid(e.getMessage());
            }
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
