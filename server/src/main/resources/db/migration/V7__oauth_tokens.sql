-- Single-use identifiers (client assertion jti, ID-JAG jti): a row exists until the JWT that carried it has expired,
-- so a replay inside the JWT's lifetime finds it. Purged periodically once expired.
CREATE TABLE replay_guard (
    namespace   TEXT        NOT NULL,   -- 'client_assertion:<client_id>' or 'id_jag:<issuer>'
    jti         TEXT        NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (namespace, jti)
);
CREATE INDEX replay_guard_expiry ON replay_guard (expires_at);

-- Every token we issue, by jti, with what it derives from, so that introspection and the kill switch can answer
-- "is it still good?" at once: a token is active only while it is unexpired, unrevoked, and the agent, key, user and
-- connection it was issued through are still active.
CREATE TABLE issued_tokens (
    jti            TEXT PRIMARY KEY,
    kind           TEXT        NOT NULL CHECK (kind IN ('ID_TOKEN', 'ID_JAG', 'ACCESS_TOKEN')),
    server_id      TEXT        NOT NULL,          -- 'org' or a resource authorization server id
    client_id      TEXT        NOT NULL,
    agent_id       TEXT,
    agent_key_id   TEXT,
    user_id        TEXT,
    connection_id  TEXT,
    session_id     TEXT        NOT NULL,
    subject        TEXT        NOT NULL,
    audience       TEXT        NOT NULL,
    scope          TEXT        NOT NULL DEFAULT '',
    issued_at      TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    revoked_reason TEXT
);
CREATE INDEX issued_tokens_agent ON issued_tokens (agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX issued_tokens_user ON issued_tokens (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX issued_tokens_session ON issued_tokens (session_id);
CREATE INDEX issued_tokens_expiry ON issued_tokens (expires_at);
