# Helpers shared by the token and MCP decisions of the default Lanyard policy set.
#
# Operator settings live in data.json beside this file (data.lanyard.config for token requests,
# data.lanyard.mcp for tool calls). Every token setting has a built-in default here, so a data.json
# only needs the keys it changes.
package lanyard.lib

import rego.v1

# The built-in value of every data.lanyard.config key.
config_defaults := {
	"allowed_cidrs": ["0.0.0.0/0", "::/0"],
	"max_delegation_hops": 2,
	"approval_tags": ["production-write"],
	"max_token_ttl_seconds": 3600,
}

default configured := {}

configured := data.lanyard.config if is_object(data.lanyard.config)

# The effective token settings: data.lanyard.config over the built-in defaults.
config := object.union(config_defaults, configured)

# The request time in nanoseconds: input.request.time (RFC 3339) when given and valid, else the clock.
now_ns := t if {
	t := time.parse_rfc3339_ns(input.request.time)
} else := time.now_ns()
