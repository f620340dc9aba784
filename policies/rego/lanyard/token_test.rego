# Unit tests of data.lanyard.token.decision (run: java -jar policies/target/lanyard-policy.jar test policies/rego).
package lanyard.token

import rego.v1

# An autonomous agent asking for one scope of a ticketing MCP server; everything in order.
base_request := {
	"grant": "client_credentials",
	"agent": {
		"id": "agt_1",
		"type": "autonomous",
		"status": "ACTIVE",
		"owners": [{"id": "usr_owner", "status": "ACTIVE"}],
		"risk": "low",
		"default_scopes": ["tickets:read", "tickets:write"],
		"tags": [],
		"max_session_seconds": 3600,
	},
	"principal": null,
	"connection": {
		"id": "con_1",
		"type": "client_credentials",
		"status": "ACTIVE",
		"scopes": ["tickets:read", "tickets:write", "projects:admin"],
	},
	"resource": {
		"uri": "https://tools.example/mcp",
		"tags": [],
		"scopes": ["tickets:read", "tickets:write", "projects:admin"],
	},
	"requested_scopes": ["tickets:read"],
	"actor_chain": [],
	"request": {"ip": "203.0.113.7", "time": "2026-11-23T10:00:00Z"},
	"session": {"trigger_reason": null, "requested_ttl": null},
	"approvals": [],
}

# base_request with patch merged in (objects merge key by key, anything else is replaced).
request_with(patch) := object.union(base_request, patch)

# The decision for base_request patched with patch.
decide(patch) := d if {
	req := request_with(patch)
	d := decision with input as req
}

denied_with(d, code, reason) if {
	d.allow == false
	d.error == code
	reason in d.reasons
	d.scopes == []
	d.ttl_seconds == 0
}

# ---- decision, allow and error precedence

test_allows_a_valid_request if {
	d := decide({})
	d == {"allow": true, "scopes": ["tickets:read"], "ttl_seconds": 3600, "reasons": [], "obligations": {}}
}

test_denial_carries_every_reason_ordered_by_error_precedence if {
	d := decide({
		"agent": {"status": "INACTIVE"},
		"connection": {"status": "INACTIVE"},
		"requested_scopes": ["billing:read"],
	})
	d.allow == false
	d.error == "access_denied"
	d.reasons == [
		"The agent is not active.",
		"The agent's connection to this resource is not active.",
		"None of the requested scopes may be granted to this agent for this resource.",
	]
	d.obligations == {}
}

test_invalid_target_outranks_invalid_scope if {
	d := decide({"connection": {"status": "INACTIVE", "scopes": []}})
	d.error == "invalid_target"
	count(d.reasons) == 2
}

test_error_is_invalid_scope_when_only_scopes_fail if {
	d := decide({"requested_scopes": ["billing:read"]})
	d.error == "invalid_scope"
	d.reasons == ["None of the requested scopes may be granted to this agent for this resource."]
}

# A function that is never defined: stands in for a builtin to make a part of the decision undefined.
never(_) := 0 if false

test_decision_falls_back_to_a_denial_when_it_cannot_be_evaluated if {
	req := base_request
	d := decision with input as req with floor as never
	d.allow == false
	d.error == "access_denied"
	d.reasons == ["The request could not be evaluated."]
}

test_empty_input_is_denied if {
	d := decision with input as {}
	d.allow == false
	d.error == "access_denied"
	"The agent is not active." in d.reasons
	"The agent has no connection to this resource." in d.reasons
}

# ---- agent and owners

test_agent_must_be_active if {
	denied_with(decide({"agent": {"status": "STAGED"}}), "access_denied", "The agent is not active.")
	denied_with(decide({"agent": {"status": "INACTIVE"}}), "access_denied", "The agent is not active.")
}

test_agent_needs_an_active_owner if {
	d := decide({"agent": {"owners": [{"id": "usr_owner", "status": "SUSPENDED"}]}})
	denied_with(d, "access_denied", "The agent has no active owner.")
	denied_with(decide({"agent": {"owners": []}}), "access_denied", "The agent has no active owner.")
}

test_one_active_owner_is_enough if {
	d := decide({"agent": {"owners": [{"id": "usr_a", "status": "SUSPENDED"}, {"id": "usr_b", "status": "ACTIVE"}]}})
	d.allow
}

# ---- principal

test_an_active_principal_is_allowed if {
	d := decide({"grant": "urn:ietf:params:oauth:grant-type:jwt-bearer", "principal": {"id": "usr_1", "status": "ACTIVE", "groups": ["grp_1"]}})
	d.allow
}

test_an_inactive_principal_is_denied if {
	d := decide({"principal": {"id": "usr_1", "status": "SUSPENDED", "groups": []}})
	denied_with(d, "access_denied", "The user is not active.")
}

test_a_principal_without_status_is_denied if {
	d := decide({"principal": {"id": "usr_1", "groups": []}})
	denied_with(d, "access_denied", "The user is not active.")
}

# ---- connection

test_a_connection_is_required if {
	d := decide({"connection": null})
	denied_with(d, "invalid_target", "The agent has no connection to this resource.")

	# scopes are not judged without a connection
	d.reasons == ["The agent has no connection to this resource."]
}

test_the_connection_must_be_active if {
	d := decide({"connection": {"status": "INACTIVE"}})
	denied_with(d, "invalid_target", "The agent's connection to this resource is not active.")
}

# ---- scopes

test_granted_scopes_are_requested_within_defaults_and_connection if {
	d := decide({"requested_scopes": ["tickets:read", "tickets:write", "projects:admin", "billing:read"]})
	d.allow
	d.scopes == ["tickets:read", "tickets:write"]
}

test_connection_scopes_narrow_the_grant if {
	d := decide({"requested_scopes": ["tickets:read", "tickets:write"], "connection": {"scopes": ["tickets:read"]}})
	d.allow
	d.scopes == ["tickets:read"]
}

test_default_scopes_are_wanted_when_none_are_requested if {
	d := decide({"requested_scopes": []})
	d.allow
	d.scopes == ["tickets:read", "tickets:write"]
}

test_an_agent_without_default_scopes_is_not_restricted_by_them if {
	d := decide({"agent": {"default_scopes": []}, "requested_scopes": ["projects:admin"]})
	d.allow
	d.scopes == ["projects:admin"]
}

test_nothing_requested_and_no_defaults_is_invalid_scope if {
	d := decide({"agent": {"default_scopes": []}, "requested_scopes": []})
	denied_with(d, "invalid_scope", "No scope was requested and the agent has no default scopes.")
}

test_no_grantable_scope_is_invalid_scope if {
	d := decide({"requested_scopes": ["projects:admin"]})
	denied_with(d, "invalid_scope", "None of the requested scopes may be granted to this agent for this resource.")
}

# ---- network

test_default_networks_allow_ipv4_and_ipv6 if {
	decide({"request": {"ip": "10.1.2.3"}}).allow
	decide({"request": {"ip": "2001:db8::1"}}).allow
}

test_requests_from_outside_the_allowed_networks_are_denied if {
	req := request_with({"request": {"ip": "203.0.113.7"}})
	d := decision with input as req with data.lanyard.config.allowed_cidrs as ["10.0.0.0/8"]
	denied_with(d, "access_denied", "Requests from this network address are not allowed.")
}

test_requests_from_inside_the_allowed_networks_are_allowed if {
	req := request_with({"request": {"ip": "10.20.30.40"}})
	d := decision with input as req with data.lanyard.config.allowed_cidrs as ["192.168.0.0/16", "10.0.0.0/8"]
	d.allow
}

test_a_missing_or_malformed_address_is_denied if {
	denied_with(decide({"request": {"ip": "not-an-ip"}}), "access_denied", "Requests from this network address are not allowed.")
	denied_with(decide({"request": {"ip": null}}), "access_denied", "Requests from this network address are not allowed.")
}

# ---- delegation

test_delegation_up_to_the_limit_is_allowed if {
	decide({"actor_chain": ["agt_a", "agt_b"]}).allow
}

test_delegation_beyond_the_limit_is_denied if {
	d := decide({"actor_chain": ["agt_a", "agt_b", "agt_c"]})
	denied_with(d, "access_denied", "The delegation chain is too long.")
}

test_the_delegation_limit_is_configurable if {
	req := request_with({"actor_chain": ["agt_a"]})
	d := decision with input as req with data.lanyard.config.max_delegation_hops as 0
	denied_with(d, "access_denied", "The delegation chain is too long.")
}

test_a_missing_actor_chain_counts_as_none if {
	decide({"actor_chain": null}).allow
}

# ---- approvals

production := {"resource": {"tags": ["production-write"]}, "requested_scopes": ["tickets:read", "tickets:write"]}

# An approved approval for the test resource, valid until an hour after the request, patched.
approval(scopes, patch) := object.union(approval_template, {"scopes": scopes}) if count(patch) == 0

approval(scopes, patch) := object.union(object.union(approval_template, {"scopes": scopes}), patch) if count(patch) > 0

approval_template := {
	"id": "apr_1",
	"resource": "https://tools.example/mcp",
	"scopes": [],
	"status": "APPROVED",
	"expires_at": "2026-11-23T11:00:00Z",
}

test_autonomous_agents_need_an_approval_on_tagged_resources if {
	d := decide(production)
	denied_with(d, "access_denied", "An approval is required before this agent may receive tickets:read, tickets:write for this resource.")
	d.obligations == {"approval": {
		"required": true,
		"scopes": ["tickets:read", "tickets:write"],
		"resource": "https://tools.example/mcp",
	}}
}

test_an_approval_covering_the_scopes_allows if {
	d := decide(object.union(production, {"approvals": [approval(["tickets:read", "tickets:write"], {})]}))
	d.allow
	d.scopes == ["tickets:read", "tickets:write"]
	d.obligations == {}
}

test_approvals_add_up_across_entries if {
	d := decide(object.union(production, {"approvals": [approval(["tickets:read"], {}), approval(["tickets:write"], {"id": "apr_2"})]}))
	d.allow
}

test_scopes_not_covered_still_need_an_approval if {
	d := decide(object.union(production, {"approvals": [approval(["tickets:read"], {})]}))
	denied_with(d, "access_denied", "An approval is required before this agent may receive tickets:write for this resource.")
	d.obligations.approval.scopes == ["tickets:write"]
}

test_an_approval_for_another_resource_does_not_count if {
	d := decide(object.union(production, {"approvals": [approval(["tickets:read", "tickets:write"], {"resource": "https://other.example/mcp"})]}))
	d.allow == false
	d.obligations.approval.required
}

test_an_expired_approval_does_not_count if {
	d := decide(object.union(production, {"approvals": [approval(["tickets:read", "tickets:write"], {"expires_at": "2026-11-23T09:59:59Z"})]}))
	d.allow == false
	d.obligations.approval.scopes == ["tickets:read", "tickets:write"]
}

test_an_approval_without_expiry_counts if {
	d := decide(object.union(production, {"approvals": [approval(["tickets:read", "tickets:write"], {"expires_at": null})]}))
	d.allow
}

test_an_approval_that_is_not_approved_does_not_count if {
	d := decide(object.union(production, {"approvals": [approval(["tickets:read", "tickets:write"], {"status": "PENDING"})]}))
	d.allow == false
}

test_scopes_that_are_not_granted_need_no_approval if {
	d := decide(object.union(production, {
		"requested_scopes": ["tickets:read", "projects:admin"],
		"approvals": [approval(["tickets:read"], {})],
	}))
	d.allow
	d.scopes == ["tickets:read"]
}

test_other_agent_types_need_no_approval if {
	decide(object.union(production, {"agent": {"type": "user_delegated"}, "principal": {"id": "usr_1", "status": "ACTIVE"}})).allow
	decide(object.union(production, {"agent": {"type": "scheduled"}})).allow
}

test_untagged_resources_need_no_approval if {
	decide({"requested_scopes": ["tickets:read", "tickets:write"], "resource": {"tags": ["staging"]}}).allow
}

test_approval_tags_are_configurable if {
	req := request_with({"resource": {"tags": ["pci"]}})
	d := decision with input as req with data.lanyard.config.approval_tags as ["pci"]
	d.obligations.approval.scopes == ["tickets:read"]
}

# ---- token lifetime

test_ttl_is_capped_by_the_configured_maximum if {
	decide({"agent": {"max_session_seconds": 86400}}).ttl_seconds == 3600
	req := base_request
	d := decision with input as req with data.lanyard.config.max_token_ttl_seconds as 600
	d.ttl_seconds == 600
}

test_ttl_is_capped_by_the_agent_max_session if {
	decide({"agent": {"max_session_seconds": 900}}).ttl_seconds == 900
}

test_ttl_honours_a_shorter_requested_ttl if {
	decide({"session": {"requested_ttl": 120}}).ttl_seconds == 120
	decide({"session": {"requested_ttl": 7200}}).ttl_seconds == 3600
}

test_requested_ttl_is_at_least_one_second if {
	decide({"session": {"requested_ttl": 0}}).ttl_seconds == 1
	decide({"session": {"requested_ttl": -5}}).ttl_seconds == 1
}

test_ttl_ignores_a_missing_or_non_positive_max_session if {
	decide({"agent": {"max_session_seconds": null}}).ttl_seconds == 3600
	decide({"agent": {"max_session_seconds": 0}}).ttl_seconds == 3600
}

test_ttl_is_whole_seconds if {
	decide({"session": {"requested_ttl": 90.7}}).ttl_seconds == 90
}
