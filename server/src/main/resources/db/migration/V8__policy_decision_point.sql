-- The 'adapter' role: MCP adapters read the revocation feed, ask for decisions and send tool-call records; nothing else.
ALTER TABLE admin_tokens DROP CONSTRAINT admin_tokens_role_check;
ALTER TABLE admin_tokens ADD CONSTRAINT admin_tokens_role_check CHECK (role IN ('admin', 'auditor', 'adapter'));

-- A token request the policy allows only with a human's approval. One PENDING request per (agent, resource, scopes)
-- at a time, so retrying the same token request names the same approval instead of piling up new ones.
CREATE TABLE approvals (
    id              TEXT PRIMARY KEY,
    seq             BIGSERIAL   NOT NULL UNIQUE,
    agent_id        TEXT        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    resource        TEXT        NOT NULL,
    scopes          TEXT[]      NOT NULL,
    grant_type      TEXT        NOT NULL,
    reasons         TEXT[]      NOT NULL DEFAULT '{}',
    status          TEXT        NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'DENIED', 'EXPIRED')),
    requested_at    TIMESTAMPTZ NOT NULL,
    request_expires_at TIMESTAMPTZ NOT NULL,    -- a PENDING request nobody decided lapses
    decided_at      TIMESTAMPTZ,
    decided_by      TEXT,
    decision_note   TEXT,
    expires_at      TIMESTAMPTZ,                -- an APPROVED request is good until then
    version         INTEGER     NOT NULL DEFAULT 1
);
CREATE INDEX approvals_agent ON approvals (agent_id, resource, status);
CREATE UNIQUE INDEX approvals_one_pending ON approvals (agent_id, resource, scopes) WHERE status = 'PENDING';

-- Ids of tool-call records already received from MCP adapters: an adapter resends its spool after an outage, and a
-- record must land in the audit trail once.
CREATE TABLE mcp_tool_call_ids (
    id          TEXT PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
