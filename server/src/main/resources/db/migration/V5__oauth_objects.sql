-- Admin objects the authorization servers work with: sign-on apps, resource authorization servers with the resources
-- they govern and the external IdPs they trust, and agent connections.

CREATE TABLE apps (                      -- OIDC sign-on apps (clients of the org authorization server)
  id TEXT PRIMARY KEY,                   -- 'app_…' (Ids.next("app")); the app's OAuth client_id IS its id
  seq BIGSERIAL NOT NULL UNIQUE,
  name TEXT NOT NULL,                    -- unique, case-insensitive
  client_type TEXT NOT NULL CHECK (client_type IN ('CONFIDENTIAL','PUBLIC')),
  token_endpoint_auth_method TEXT NOT NULL CHECK (token_endpoint_auth_method IN ('client_secret_basic','private_key_jwt','none')),
  client_secret_hash TEXT,               -- SHA-256 hex of a generated 256-bit secret (only client_secret_basic)
  jwks TEXT,                             -- JWK Set JSON of public keys (only private_key_jwt)
  redirect_uris TEXT[] NOT NULL,         -- exact-match redirect URIs (https, or http on loopback)
  status TEXT NOT NULL CHECK (status IN ('ACTIVE','INACTIVE')),
  version INT NOT NULL DEFAULT 1, created TIMESTAMPTZ NOT NULL, updated TIMESTAMPTZ NOT NULL, created_by TEXT NOT NULL);
CREATE UNIQUE INDEX apps_name ON apps (lower(name));
-- the link between an agent and its sign-on app lives on the agent (agents.linked_app_id, existing column)
ALTER TABLE agents ADD CONSTRAINT agents_linked_app FOREIGN KEY (linked_app_id) REFERENCES apps (id);
CREATE INDEX agents_linked_app_id ON agents (linked_app_id) WHERE linked_app_id IS NOT NULL;

CREATE TABLE authorization_servers (     -- resource authorization servers; issuer = {LANYARD_BASE_URL}/oauth2/{id}
  id TEXT PRIMARY KEY,                   -- 'aus_…'
  seq BIGSERIAL NOT NULL UNIQUE,
  name TEXT NOT NULL,                    -- unique, case-insensitive
  description TEXT NOT NULL DEFAULT '',
  access_token_ttl_seconds INT NOT NULL, -- 60..3600, default 600
  status TEXT NOT NULL CHECK (status IN ('ACTIVE','INACTIVE')),
  version INT NOT NULL DEFAULT 1, created TIMESTAMPTZ NOT NULL, updated TIMESTAMPTZ NOT NULL, created_by TEXT NOT NULL);
CREATE UNIQUE INDEX authorization_servers_name ON authorization_servers (lower(name));

CREATE TABLE resources (                 -- RFC 8707 resources (e.g. MCP server URLs) a server governs
  id TEXT PRIMARY KEY,                   -- 'res_…'
  server_id TEXT NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
  uri TEXT NOT NULL UNIQUE,              -- governed by exactly one server; absolute, no fragment, https or http on loopback
  name TEXT NOT NULL,
  scopes TEXT[] NOT NULL,                -- scopes defined for this resource
  tags TEXT[] NOT NULL DEFAULT '{}',     -- e.g. 'production-write'
  created TIMESTAMPTZ NOT NULL, updated TIMESTAMPTZ NOT NULL,
  version INT NOT NULL DEFAULT 1);       -- added: optimistic concurrency for PATCH, like every other updatable object
CREATE INDEX resources_server ON resources (server_id);

CREATE TABLE trusted_issuers (           -- external IdPs whose ID-JAGs this server accepts (besides the org server)
  id TEXT PRIMARY KEY,                   -- 'tis_…'
  server_id TEXT NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
  issuer TEXT NOT NULL, jwks_uri TEXT NOT NULL, created TIMESTAMPTZ NOT NULL,
  UNIQUE (server_id, issuer));

CREATE TABLE connections (               -- which agent may reach which server/resource, with which scopes
  id TEXT PRIMARY KEY,                   -- 'con_…'
  seq BIGSERIAL NOT NULL UNIQUE,
  agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  server_id TEXT NOT NULL REFERENCES authorization_servers (id),
  resource_id TEXT REFERENCES resources (id),          -- NULL = every resource of the server
  connection_type TEXT NOT NULL CHECK (connection_type IN ('IDENTITY_ASSERTION','CLIENT_CREDENTIALS')),
  scope_condition TEXT NOT NULL CHECK (scope_condition IN ('ALL_SCOPES','INCLUDE_ONLY','EXCLUDE')),
  scopes TEXT[] NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('ACTIVE','INACTIVE')),
  version INT NOT NULL DEFAULT 1, created TIMESTAMPTZ NOT NULL, updated TIMESTAMPTZ NOT NULL, created_by TEXT NOT NULL);
CREATE UNIQUE INDEX connections_target ON connections (agent_id, server_id, connection_type, coalesce(resource_id, ''));
CREATE INDEX connections_server ON connections (server_id);
CREATE INDEX connections_resource ON connections (resource_id) WHERE resource_id IS NOT NULL;
