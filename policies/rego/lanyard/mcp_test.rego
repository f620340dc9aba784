# Unit tests of data.lanyard.mcp.decision (run: java -jar policies/target/lanyard-policy.jar test policies/rego).
package lanyard.mcp

import rego.v1

# An active autonomous agent calling create_ticket with a token that has the ticket scopes.
base_call := {
	"token": {
		"sub": "agt_1",
		"client_id": "agt_1",
		"scope": "tickets:read tickets:write",
		"act": null,
		"jti": "tok_1",
		"iss": "https://lanyard.example/oauth2/aus_1",
		"aud": "https://tools.example/mcp",
		"agent_id": "agt_1",
	},
	"agent": {"id": "agt_1", "status": "ACTIVE", "type": "autonomous", "tags": []},
	"principal": null,
	"server": {"resource": "https://tools.example/mcp"},
	"tool": {"name": "create_ticket", "arguments": {"title": "Printer on fire"}},
	"request": {"method": "tools/call", "ip": "203.0.113.7", "time": "2026-11-23T10:00:00Z"},
}

# base_call with patch merged in (objects merge key by key, anything else is replaced).
call_with(patch) := object.union(base_call, patch)

decide(patch) := d if {
	call := call_with(patch)
	d := decision with input as call
}

# ---- decision and allow

test_allows_a_mapped_tool_with_its_scopes if {
	decide({}) == {"allow": true, "reasons": [], "required_scopes": ["tickets:write"]}
}

test_denial_lists_every_reason if {
	d := decide({"agent": {"status": "INACTIVE"}, "token": {"scope": ""}})
	d.allow == false
	d.reasons == ["The agent is not active.", "The token lacks the scopes this tool requires: tickets:write."]
	d.required_scopes == ["tickets:write"]
}

test_decision_falls_back_to_a_denial_when_it_cannot_be_evaluated if {
	call := base_call
	d := decision with input as call with sort as never
	d == {"allow": false, "reasons": ["The request could not be evaluated."], "required_scopes": []}
}

# A function that is never defined: stands in for a builtin to make a part of the decision undefined.
never(_) := 0 if false

# ---- token and agent

test_a_token_is_required if {
	d := decide({"token": null})
	d.allow == false
	"No access token was presented." in d.reasons
}

test_the_agent_must_be_active if {
	d := decide({"agent": {"status": "INACTIVE"}})
	d.allow == false
	d.reasons == ["The agent is not active."]
}

test_a_call_without_a_known_agent_is_judged_by_the_token_alone if {
	decide({"agent": null}).allow
}

# ---- methods other than tools/call

test_other_methods_are_allowed_with_a_good_token if {
	d := decide({"request": {"method": "tools/list"}, "tool": null})
	d == {"allow": true, "reasons": [], "required_scopes": []}
	decide({"request": {"method": "resources/read"}, "tool": {"name": "delete_project"}, "token": {"scope": ""}}).allow
}

test_other_methods_still_need_an_active_agent if {
	d := decide({"request": {"method": "tools/list"}, "agent": {"status": "INACTIVE"}})
	d.allow == false
}

test_a_request_without_a_method_is_checked_as_a_tool_call if {
	d := decide({"request": {"method": null}, "token": {"scope": "tickets:read"}})
	d.allow == false
	d.required_scopes == ["tickets:write"]
}

test_a_tool_call_must_name_a_tool if {
	d := decide({"tool": null})
	d.allow == false
	d.reasons == ["The request does not name a tool."]
}

# ---- required scopes

test_missing_scopes_are_denied_and_listed if {
	d := decide({"token": {"scope": "tickets:read"}})
	d.allow == false
	d.reasons == ["The token lacks the scopes this tool requires: tickets:write."]
	d.required_scopes == ["tickets:write"]
}

test_token_scopes_may_be_an_array if {
	decide({"token": {"scope": ["tickets:write"]}}).allow
	decide({"tool": {"name": "read_ticket"}, "token": {"scope": ["tickets:write"]}}).allow == false
}

test_extra_spaces_in_the_scope_claim_are_ignored if {
	decide({"token": {"scope": "  tickets:write   other "}}).allow
}

test_resource_overrides_replace_the_global_scopes if {
	call := call_with({"token": {"scope": "tickets:admin"}})
	overrides := {"https://tools.example/mcp": {"create_ticket": ["tickets:admin"]}}
	d := decision with input as call with data.lanyard.mcp.resource_tool_scopes as overrides
	d.allow
	d.required_scopes == ["tickets:admin"]
}

test_resource_overrides_apply_to_their_resource_only if {
	call := call_with({"token": {"scope": "tickets:admin"}})
	overrides := {"https://other.example/mcp": {"create_ticket": ["tickets:admin"]}}
	d := decision with input as call with data.lanyard.mcp.resource_tool_scopes as overrides
	d.allow == false
	d.required_scopes == ["tickets:write"]
}

test_tools_not_overridden_keep_the_global_scopes if {
	overrides := {"https://tools.example/mcp": {"read_ticket": ["tickets:audit"]}}
	call := base_call
	d := decision with input as call with data.lanyard.mcp.resource_tool_scopes as overrides
	d.allow
	d.required_scopes == ["tickets:write"]
}

test_a_resource_override_can_map_a_tool_unknown_globally if {
	call := call_with({"tool": {"name": "export_report"}, "token": {"scope": "reports:read"}})
	overrides := {"https://tools.example/mcp": {"export_report": ["reports:read"]}}
	d := decision with input as call with data.lanyard.mcp.resource_tool_scopes as overrides
	d.allow
}

test_a_tool_mapped_to_no_scopes_needs_none if {
	call := call_with({"tool": {"name": "ping"}, "token": {"scope": ""}})
	d := decision with input as call with data.lanyard.mcp.tool_scopes as {"ping": []}
	d == {"allow": true, "reasons": [], "required_scopes": []}
}

# ---- unmapped tools

test_unmapped_tools_are_denied if {
	d := decide({"tool": {"name": "format_disk"}})
	d.allow == false
	d.reasons == ["This tool is not available through this server."]
}

test_unmapped_tools_can_be_allowed if {
	call := call_with({"tool": {"name": "format_disk"}})
	d := decision with input as call with data.lanyard.mcp.allow_unmapped_tools as true
	d == {"allow": true, "reasons": [], "required_scopes": []}
}

# ---- blocked tools

test_blocked_tools_are_denied if {
	call := base_call
	d := decision with input as call with data.lanyard.mcp.blocked_tools as ["create_ticket"]
	d.allow == false
	d.reasons == ["This tool is blocked."]
}

test_nothing_is_blocked_by_default if {
	decide({"tool": {"name": "read_ticket"}, "token": {"scope": "tickets:read"}}).allow
}

# ---- destructive tools

test_destructive_tools_also_need_the_destructive_scope if {
	d := decide({"tool": {"name": "delete_project"}, "token": {"scope": "projects:admin"}})
	d.allow == false
	d.reasons == ["The token lacks the scopes this tool requires: mcp:destructive."]
	d.required_scopes == ["mcp:destructive", "projects:admin"]
}

test_destructive_tools_are_allowed_with_both_scopes if {
	d := decide({"tool": {"name": "delete_project"}, "token": {"scope": "projects:admin mcp:destructive"}})
	d.allow
	d.required_scopes == ["mcp:destructive", "projects:admin"]
}

test_the_destructive_scope_is_configurable if {
	call := call_with({"tool": {"name": "delete_project"}, "token": {"scope": "projects:admin danger"}})
	d := decision with input as call with data.lanyard.mcp.destructive_scope as "danger"
	d.allow
}

test_an_empty_destructive_scope_adds_nothing if {
	call := call_with({"tool": {"name": "delete_project"}, "token": {"scope": "projects:admin"}})
	d := decision with input as call with data.lanyard.mcp.destructive_scope as ""
	d.allow
	d.required_scopes == ["projects:admin"]
}

test_destructive_tools_are_configurable if {
	call := call_with({"token": {"scope": "tickets:write"}})
	d := decision with input as call with data.lanyard.mcp.destructive_tools as ["create_ticket"]
	d.allow == false
	d.required_scopes == ["mcp:destructive", "tickets:write"]
}
