-- Signing keys of the authorization servers: 'org' (the org server) or a resource authorization server id 'aus_…'.
-- The private key is encrypted with AES-256-GCM under the master key (LANYARD_MASTER_KEY or <data dir>/master.key),
-- with the kid as associated data, so a row's ciphertext can't be moved to another row. At most one CURRENT key per
-- server; RETIRED keys keep verifying (they stay in the JWKS) until retired_at + the longest token lifetime.
CREATE TABLE signing_keys (
    kid                TEXT PRIMARY KEY,
    server_id          TEXT        NOT NULL,
    alg                TEXT        NOT NULL CHECK (alg IN ('ES256', 'RS256')),
    public_jwk         TEXT        NOT NULL,
    private_encrypted  BYTEA       NOT NULL,
    status             TEXT        NOT NULL CHECK (status IN ('CURRENT', 'RETIRED')),
    created            TIMESTAMPTZ NOT NULL,
    retired_at         TIMESTAMPTZ,
    CHECK ((status = 'RETIRED') = (retired_at IS NOT NULL))
);
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (server_id) WHERE status = 'CURRENT';
CREATE INDEX signing_keys_server ON signing_keys (server_id, created);

-- Authorization codes of the org server's sign-in (OIDC code flow with PKCE). Only the SHA-256 of the code is stored;
-- a code is single use (used_at) and lives at most 60 seconds.
CREATE TABLE authorization_codes (
    code_hash       TEXT PRIMARY KEY,
    client_id       TEXT        NOT NULL,
    redirect_uri    TEXT        NOT NULL,
    code_challenge  TEXT        NOT NULL,
    user_id         TEXT        NOT NULL,
    scope           TEXT        NOT NULL,
    nonce           TEXT,
    resources       TEXT[]      NOT NULL DEFAULT '{}',
    auth_time       TIMESTAMPTZ NOT NULL,
    created         TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    used_at         TIMESTAMPTZ,
    session_id      TEXT        NOT NULL     -- the sign-in session the tokens redeemed from this code belong to
);
CREATE INDEX authorization_codes_expiry ON authorization_codes (expires_at);

-- A new resource authorization server gets its first signing key at once: the server instances listening on
-- 'lanyard_keys' receive its id at commit and create the key (one of them wins; the others see it).
CREATE FUNCTION lanyard_authorization_server_created() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('lanyard_keys', NEW.id);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER authorization_servers_signing_key AFTER INSERT ON authorization_servers
    FOR EACH ROW EXECUTE FUNCTION lanyard_authorization_server_created();
