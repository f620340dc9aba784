package dev.lanyard.policies.bench;

import dev.lanyard.policies.rego.Source;
import java.util.List;

/** The benchmark policy set: a token decision (~30 rules) and an MCP tool-call decision, ~200 lines together. */
final class BenchPolicies {
    static final String TOKEN = """
package lanyard.token

default decision := {"allow": false, "scopes": [], "ttl_seconds": 0, "reasons": ["denied by default"], "obligations": {}}

decision := {
	"allow": allow,
	"scopes": sort(granted_scopes),
	"ttl_seconds": ttl,
	"reasons": sort(reasons),
	"obligations": obligations,
}

default allow := false

allow if {
	count(deny) == 0
	count(granted_scopes) > 0
}

agent := input.agent

agent_active if agent.status == "ACTIVE"

owner_active if input.agent.owner.status == "ACTIVE"

autonomous if agent.type == "autonomous"

user_delegated if agent.type == "user_delegated"

requested := {s | some s in input.requested_scopes}

agent_defaults := {s | some s in agent.default_scopes}

connection_scopes := {s | some s in input.connection.scopes}

narrowed := (requested & agent_defaults) & connection_scopes

production_write if "production-write" in input.resource.tags

write_scope(s) if endswith(s, ":write")

write_scope(s) if startswith(s, "admin:")

approved if input.session.trigger_reason == "approved_change"

blocked_write contains s if {
	some s in narrowed
	write_scope(s)
	production_write
	autonomous
	not approved
}

granted_scopes := narrowed - blocked_write

chain_depth := count(input.actor_chain)

too_deep if chain_depth > 2

ip_allowed if {
	some cidr in data.lanyard.allowed_cidrs
	net.cidr_contains(cidr, input.request.ip)
}

risky if input.agent.risk == "high"

deny contains "agent is not active" if not agent_active

deny contains "owner is not active" if not owner_active

deny contains "delegation chain too long" if too_deep

deny contains "request from outside allowed networks" if not ip_allowed

deny contains "user-delegated agent without principal" if {
	user_delegated
	input.principal == null
}

deny contains "no requested scope is allowed" if count(granted_scopes) == 0

reasons contains r if some r in deny

reasons contains sprintf("scope %s removed: production write needs approval", [s]) if some s in blocked_write

reasons contains "granted" if count(deny) == 0

max_ttl := 3600 if autonomous

max_ttl := 900 if not autonomous

requested_ttl := object.get(input.session, "requested_ttl", 3600)

ttl := min({requested_ttl, max_ttl, data.lanyard.max_session})

obligations["step_up"] := true if risky

obligations["log_level"] := "verbose" if risky

obligations["notify_owner"] := agent.owner.id if count(blocked_write) > 0
""";

    static final String MCP = """
package lanyard.mcp

default decision := {"allow": false, "reasons": ["denied by default"], "required_scopes": []}

decision := {
	"allow": allow,
	"reasons": sort(reasons),
	"required_scopes": sort(required_scopes),
}

default allow := false

allow if {
	count(deny) == 0
}

token_scopes := {s | some s in split(input.token.scope, " ")}

tool := input.tool.name

tool_map := data.lanyard.mcp.tool_scopes

required_scopes contains s if {
	some pattern, scopes in tool_map
	glob.match(pattern, ["/"], tool)
	some s in scopes
}

required_scopes contains "tools:read" if {
	not matched_any
}

matched_any if {
	some pattern, _ in tool_map
	glob.match(pattern, ["/"], tool)
}

missing := required_scopes - token_scopes

blocked if tool in data.lanyard.mcp.blocked_tools

blocked if {
	some prefix in data.lanyard.mcp.blocked_prefixes
	startswith(tool, prefix)
}

audience_ok if input.token.aud == input.server.resource

audience_ok if input.server.resource in input.token.aud

agent_active if input.agent.status == "ACTIVE"

delegated if count(object.get(input.token, "act", {})) > 0

act_depth := d if {
	delegated
	d := count([x | walk(input.token.act, [path, x]); path[count(path) - 1] == "sub"])
}

act_depth := 0 if not delegated

too_deep if act_depth > 2

arguments_size := count(json.marshal(input.tool.arguments))

too_large if arguments_size > data.lanyard.mcp.max_argument_bytes

deny contains sprintf("missing scope %s", [s]) if some s in missing

deny contains "tool is blocked" if blocked

deny contains "token audience does not match this server" if not audience_ok

deny contains "agent is not active" if not agent_active

deny contains "delegation chain too long" if too_deep

deny contains "arguments too large" if too_large

reasons contains r if some r in deny

reasons contains "allowed" if count(deny) == 0

high_risk_tool if {
	some s in required_scopes
	endswith(s, ":admin")
}

obligations["step_up"] := true if high_risk_tool

obligations["redact_arguments"] := true if {
	some k, _ in input.tool.arguments
	lower(k) in {"password", "secret", "token"}
}

audit_fields := {
	"tool": tool,
	"agent": input.agent.id,
	"sub": input.token.sub,
	"upper_tool": upper(tool),
	"trimmed": trim_space(input.tool.name),
	"first": substring(tool, 0, 4),
	"parts": count(split(tool, "_")),
}
""";

    static final String DATA = """
{"lanyard": {"allowed_cidrs": ["10.0.0.0/8", "192.168.0.0/16"], "max_session": 1800,
  "mcp": {"tool_scopes": {"read_*": ["tools:read"], "write_*": ["tools:write"], "admin/*": ["tools:admin"]},
          "blocked_tools": ["rm_rf"], "blocked_prefixes": ["debug_"], "max_argument_bytes": 4096}}}
""";

    static final String TOKEN_INPUT = """
{"grant":"client_credentials","agent":{"id":"a1","type":"autonomous","status":"ACTIVE","owner":{"id":"u1","status":"ACTIVE"},"risk":"low","default_scopes":["tools:read","tools:write","mail:read"],"tags":[]},"principal":null,"connection":{"id":"c1","scopes":["tools:read","tools:write"]},"resource":{"uri":"https://mcp.example.com","tags":["production-write"]},"requested_scopes":["tools:read","tools:write","mail:read"],"actor_chain":[],"request":{"ip":"10.1.2.3","time":"2026-11-23T14:00:00Z"},"session":{"trigger_reason":"cron","requested_ttl":600}}
""";

    static final String MCP_INPUT = """
{"token":{"sub":"a1","client_id":"a1","scope":"tools:read tools:write","aud":"https://mcp.example.com"},"agent":{"id":"a1","status":"ACTIVE"},"principal":null,"server":{"resource":"https://mcp.example.com"},"tool":{"name":"write_file","arguments":{"path":"/tmp/x","Password":"x"}},"request":{"ip":"10.0.0.1"}}
""";

    static final List<String> ENTRYPOINTS = List.of("lanyard/token/decision", "lanyard/mcp/decision");

    static List<Source> sources() {
        return List.of(new Source("lanyard/token.rego", TOKEN), new Source("lanyard/mcp.rego", MCP));
    }

    private BenchPolicies() {}
}
