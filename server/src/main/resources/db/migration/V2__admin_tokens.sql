CREATE TABLE admin_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT        NOT NULL,
    role        TEXT        NOT NULL CHECK (role IN ('admin', 'auditor')),
    token_hash  TEXT        NOT NULL UNIQUE,
    created     TIMESTAMPTZ NOT NULL,
    created_by  TEXT        NOT NULL,
    expires_at  TIMESTAMPTZ,
    last_used   TIMESTAMPTZ
);
