CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    seq           BIGSERIAL   NOT NULL UNIQUE,
    login         TEXT        NOT NULL,
    email         TEXT        NOT NULL,
    display_name  TEXT        NOT NULL,
    password_hash TEXT,
    status        TEXT        NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'DEPROVISIONED')),
    version       INT         NOT NULL DEFAULT 1,
    created       TIMESTAMPTZ NOT NULL,
    updated       TIMESTAMPTZ NOT NULL,
    created_by    TEXT        NOT NULL
);
-- logins are unique regardless of case: "Alice" and "alice" are one person
CREATE UNIQUE INDEX users_login ON users (lower(login));

CREATE TABLE groups (
    id            TEXT PRIMARY KEY,
    seq           BIGSERIAL   NOT NULL UNIQUE,
    name          TEXT        NOT NULL,
    description   TEXT        NOT NULL DEFAULT '',
    version       INT         NOT NULL DEFAULT 1,
    created       TIMESTAMPTZ NOT NULL,
    updated       TIMESTAMPTZ NOT NULL,
    created_by    TEXT        NOT NULL
);
CREATE UNIQUE INDEX groups_name ON groups (lower(name));

CREATE TABLE group_members (
    group_id  TEXT NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);
