-- Tool-call events now take their event id from the adapter's record id ('mcp:<id>'), and the trail's unique event ids
-- refuse a second copy. The table of received ids is no longer written; it still answers for records received before.
COMMENT ON TABLE mcp_tool_call_ids IS 'ids of tool-call records received before events were named mcp:<id>; read only';
