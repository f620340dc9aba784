CREATE TABLE agents (
    id                   TEXT PRIMARY KEY,
    seq                  BIGSERIAL   NOT NULL UNIQUE,
    name                 TEXT        NOT NULL,
    description          TEXT        NOT NULL DEFAULT '',
    agent_type           TEXT        NOT NULL CHECK (agent_type IN ('AUTONOMOUS', 'USER_DELEGATED', 'SCHEDULED')),
    status               TEXT        NOT NULL CHECK (status IN ('STAGED', 'ACTIVE', 'INACTIVE')),
    owner_group_id       TEXT        REFERENCES groups (id),
    risk_level           TEXT        NOT NULL CHECK (risk_level IN ('LOW', 'MEDIUM', 'HIGH')),
    default_scopes       TEXT[]      NOT NULL DEFAULT '{}',
    max_session_seconds  INT         NOT NULL,
    tags                 TEXT[]      NOT NULL DEFAULT '{}',
    linked_app_id        TEXT,
    version              INT         NOT NULL DEFAULT 1,
    created              TIMESTAMPTZ NOT NULL,
    updated              TIMESTAMPTZ NOT NULL,
    created_by           TEXT        NOT NULL
);
CREATE UNIQUE INDEX agents_name ON agents (lower(name));
CREATE INDEX agents_status ON agents (status, seq);

CREATE TABLE agent_owners (
    agent_id  TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id),
    position  INT  NOT NULL,
    PRIMARY KEY (agent_id, user_id)
);
CREATE INDEX agent_owners_user ON agent_owners (user_id);

CREATE TABLE agent_keys (
    id          TEXT PRIMARY KEY,
    agent_id    TEXT        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    kid         TEXT        NOT NULL,
    kty         TEXT        NOT NULL,
    alg         TEXT,
    jwk         TEXT        NOT NULL,
    status      TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'INACTIVE')),
    created     TIMESTAMPTZ NOT NULL,
    updated     TIMESTAMPTZ NOT NULL,
    UNIQUE (agent_id, kid)
);
