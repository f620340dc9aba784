# MCP decision of the default Lanyard policy set: data.lanyard.mcp.decision.
#
# The MCP adapter asks it for every request to a guarded MCP server, after it has verified the bearer token.
# Input and result are described in docs/policies.md. required_scopes lists every scope the tool needs, so that
# a denial for missing scopes can be answered with 403 insufficient_scope.
#
# Settings come from data.lanyard.mcp (data.json beside this file). Rules in this package must not be named like
# those keys (tool_scopes, resource_tool_scopes, blocked_tools, allow_unmapped_tools, destructive_tools,
# destructive_scope): the package and the data share the path data.lanyard.mcp.
package lanyard.mcp

import rego.v1

# ---- the decision

default decision := {
	"allow": false,
	"reasons": ["The request could not be evaluated."],
	"required_scopes": [],
}

decision := {
	"allow": allow,
	"reasons": sort(deny),
	"required_scopes": sort(required_scopes),
}

default allow := false

allow if count(deny) == 0

# ---- settings, each with its built-in default

default tool_scope_map := {}

tool_scope_map := data.lanyard.mcp.tool_scopes

default resource_overrides := {}

resource_overrides := data.lanyard.mcp.resource_tool_scopes[input.server.resource]

default blocked_names := []

blocked_names := data.lanyard.mcp.blocked_tools

default unmapped_allowed := false

unmapped_allowed if data.lanyard.mcp.allow_unmapped_tools == true

default destructive_names := []

destructive_names := data.lanyard.mcp.destructive_tools

default extra_destructive_scope := "mcp:destructive"

extra_destructive_scope := data.lanyard.mcp.destructive_scope

# ---- the token and the agent: checked for every method

deny contains "No access token was presented." if not is_object(input.token)

agent_given if is_object(input.agent)

deny contains "The agent is not active." if {
	agent_given
	not input.agent.status == "ACTIVE"
}

# The token's scopes: a space-separated "scope" claim (RFC 9068), or an array.
scope_list := split(input.token.scope, " ") if is_string(input.token.scope)

scope_list := input.token.scope if is_array(input.token.scope)

token_scopes := {s | some s in scope_list; s != ""}

# ---- tool calls: only tools/call is checked per tool (a request without a method name counts as one)

tool_call if input.request.method == "tools/call"

tool_call if not is_string(input.request.method)

tool_name := input.tool.name if is_string(input.tool.name)

deny contains "The request does not name a tool." if {
	tool_call
	not tool_name
}

deny contains "This tool is blocked." if {
	tool_call
	tool_name in blocked_names
}

# The tool's scopes: the per-resource override when there is one, else the global map.
mapped_scopes := resource_overrides[tool_name]

mapped_scopes := tool_scope_map[tool_name] if not tool_name in object.keys(resource_overrides)

tool_mapped if is_array(mapped_scopes)

deny contains "This tool is not available through this server." if {
	tool_call
	tool_name
	not tool_mapped
	not unmapped_allowed
}

required_scopes contains s if {
	tool_call
	some s in mapped_scopes
}

# Destructive tools also need the destructive scope (unless it is set to "").
required_scopes contains extra_destructive_scope if {
	tool_call
	tool_name in destructive_names
	extra_destructive_scope != ""
}

missing_scopes := required_scopes - token_scopes

deny contains reason if {
	count(missing_scopes) > 0
	reason := sprintf("The token lacks the scopes this tool requires: %s.", [concat(" ", sort(missing_scopes))])
}
