# Unit tests of the shared helpers (run: java -jar policies/target/lanyard-policy.jar test policies/rego).
package lanyard.lib

import rego.v1

test_config_is_the_data_json_settings if {
	config.allowed_cidrs == ["0.0.0.0/0", "::/0"]
	config.max_delegation_hops == 2
	config.approval_tags == ["production-write"]
	config.max_token_ttl_seconds == 3600
}

test_config_settings_override_the_defaults_key_by_key if {
	c := config with data.lanyard.config as {"allowed_cidrs": ["10.0.0.0/8"], "max_token_ttl_seconds": 300}
	c == {
		"allowed_cidrs": ["10.0.0.0/8"],
		"max_delegation_hops": 2,
		"approval_tags": ["production-write"],
		"max_token_ttl_seconds": 300,
	}
}

test_config_without_settings_is_the_defaults if {
	c := config with data.lanyard.config as "not an object"
	c == config_defaults
}

test_now_is_the_request_time if {
	t := now_ns with input as {"request": {"time": "2026-11-23T10:00:00Z"}}
	t == 1795428000000000000
}

test_now_falls_back_to_the_clock if {
	t1 := now_ns with input as {"request": {}} with time.now_ns as 42
	t1 == 42
	t := now_ns with input as {"request": {"time": "yesterday"}} with time.now_ns as 42
	t == 42
}
