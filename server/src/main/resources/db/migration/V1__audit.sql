-- Append-only, hash-chained audit trail. audit_head holds the chain's tip; updating it serialises writers so that
-- sequence numbers have no gaps and every event links to the one before it.
CREATE TABLE audit_head (
    id        INT PRIMARY KEY CHECK (id = 1),
    seq       BIGINT NOT NULL,
    hash      TEXT   NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, repeat('0', 64));

CREATE TABLE audit_events (
    seq         BIGINT PRIMARY KEY,
    event_id    TEXT        NOT NULL UNIQUE,
    time        TIMESTAMPTZ NOT NULL,
    type        TEXT        NOT NULL,
    actor       TEXT        NOT NULL,
    target      TEXT,
    outcome     TEXT        NOT NULL,
    request_id  TEXT,
    client_ip   TEXT,
    details     TEXT        NOT NULL,
    prev_hash   TEXT        NOT NULL,
    hash        TEXT        NOT NULL
);
CREATE INDEX audit_events_type ON audit_events (type, seq);
CREATE INDEX audit_events_target ON audit_events (target, seq);
CREATE INDEX audit_events_actor ON audit_events (actor, seq);
CREATE INDEX audit_events_time ON audit_events (time);
