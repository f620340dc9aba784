# Token decision of the default Lanyard policy set: data.lanyard.token.decision.
#
# The authorization servers ask it before issuing any token (client credentials, token exchange for an
# ID-JAG, JWT bearer). Input and result are described in docs/policies.md. Reasons end up in the OAuth
# error_description, so they are short sentences for the client and name no policy internals.
package lanyard.token

import rego.v1

import data.lanyard.lib

config := lib.config

# ---- the decision

default decision := {
	"allow": false,
	"scopes": [],
	"ttl_seconds": 0,
	"reasons": ["The request could not be evaluated."],
	"obligations": {},
	"error": "access_denied",
}

decision := {
	"allow": true,
	"scopes": sort(granted),
	"ttl_seconds": ttl_seconds,
	"reasons": [],
	"obligations": {},
} if allow

decision := {
	"allow": false,
	"scopes": [],
	"ttl_seconds": 0,
	"reasons": reasons,
	"obligations": obligations,
	"error": error,
} if not allow

default allow := false

allow if count(deny) == 0

# Each denial is {"error": <OAuth error code>, "reason": <sentence>}.
# When several apply, the error is picked in this order and every reason is returned, in the same order.
error_precedence := ["access_denied", "invalid_target", "invalid_scope"]

reasons := [r |
	some code in error_precedence
	some r in sort({d.reason | some d in deny; d.error == code})
]

error := [code |
	some code in error_precedence
	some d in deny
	d.error == code
][0]

default obligations := {}

obligations := {"approval": {
	"required": true,
	"scopes": sort(needs_approval),
	"resource": input.resource.uri,
}} if count(needs_approval) > 0

# ---- the agent and its owners

agent_active if input.agent.status == "ACTIVE"

has_active_owner if {
	some owner in input.agent.owners
	owner.status == "ACTIVE"
}

deny contains {"error": "access_denied", "reason": "The agent is not active."} if not agent_active

deny contains {"error": "access_denied", "reason": "The agent has no active owner."} if not has_active_owner

# ---- the user the agent acts for, when there is one

principal_given if input.principal != null

deny contains {"error": "access_denied", "reason": "The user is not active."} if {
	principal_given
	not input.principal.status == "ACTIVE"
}

# ---- the connection from the agent to the resource

connection_given if input.connection != null

deny contains {"error": "invalid_target", "reason": "The agent has no connection to this resource."} if {
	not connection_given
}

deny contains {"error": "invalid_target", "reason": "The agent's connection to this resource is not active."} if {
	connection_given
	not input.connection.status == "ACTIVE"
}

# ---- scopes: requested (or the agent's defaults) ∩ agent defaults ∩ connection scopes

requested := {s | some s in input.requested_scopes}

agent_defaults := {s | some s in input.agent.default_scopes}

connection_scopes := {s | some s in input.connection.scopes}

# What the client wants: the requested scopes, or the agent's defaults when it asked for none.
wanted := requested if count(requested) > 0

wanted := agent_defaults if count(requested) == 0

# An agent without default scopes is not restricted by them.
within_defaults := wanted & agent_defaults if count(agent_defaults) > 0

within_defaults := wanted if count(agent_defaults) == 0

granted := within_defaults & connection_scopes

# Without a connection there is nothing to narrow against: only the invalid_target denial applies.
deny contains {"error": "invalid_scope", "reason": "No scope was requested and the agent has no default scopes."} if {
	connection_given
	count(wanted) == 0
}

deny contains {"error": "invalid_scope", "reason": "None of the requested scopes may be granted to this agent for this resource."} if {
	connection_given
	count(wanted) > 0
	count(granted) == 0
}

# ---- network

ip_allowed if {
	some cidr in config.allowed_cidrs
	net.cidr_contains(cidr, input.request.ip)
}

deny contains {"error": "access_denied", "reason": "Requests from this network address are not allowed."} if {
	not ip_allowed
}

# ---- delegation

default delegation_hops := 0

delegation_hops := count(input.actor_chain) if is_array(input.actor_chain)

deny contains {"error": "access_denied", "reason": "The delegation chain is too long."} if {
	delegation_hops > config.max_delegation_hops
}

# ---- approvals: autonomous agents on resources tagged for approval

autonomous if input.agent.type == "autonomous"

approval_tagged if {
	some tag in input.resource.tags
	tag in config.approval_tags
}

# Scopes covered by an approved, unexpired approval for this resource.
approved_scopes := {s |
	some a in input.approvals
	a.resource == input.resource.uri
	a.status == "APPROVED"
	unexpired(a)
	some s in a.scopes
}

unexpired(a) if object.get(a, "expires_at", null) == null

unexpired(a) if time.parse_rfc3339_ns(a.expires_at) > lib.now_ns

# Scopes that would be granted but need an approval first.
needs_approval := {s |
	autonomous
	approval_tagged
	some s in granted
	not s in approved_scopes
}

deny contains {"error": "access_denied", "reason": reason} if {
	count(needs_approval) > 0
	reason := sprintf("An approval is required before this agent may receive %s for this resource.", [concat(", ", sort(needs_approval))])
}

# ---- token lifetime: the smallest of the configured maximum, the agent's maximum session and the requested TTL

ttl_caps contains config.max_token_ttl_seconds

ttl_caps contains s if {
	s := input.agent.max_session_seconds
	is_number(s)
	s > 0
}

ttl_caps contains max([t, 1]) if {
	t := input.session.requested_ttl
	is_number(t)
}

ttl_seconds := floor(min(ttl_caps))
