// The official TypeScript MCP client (@modelcontextprotocol/sdk) driving a server guarded by the Lanyard MCP adapter.
// Run by mcp-adapter's JUnit tests (TypeScriptClientTest, LanyardEndToEndTest); prints one JSON object on stdout.
//
//   node mcp-client.mjs discover <url>
//   node mcp-client.mjs calls <url> <bearer token> '<steps JSON>'
//   node mcp-client.mjs oauth <url> '<{"clientId","jwk","scope","issuer"}>' '<steps JSON>'
//
// steps: [{"tool": "create_ticket", "args": {...}}, ...]; each step's outcome is reported, failures included.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { PrivateKeyJwtProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';

const [, , scenario, url, ...rest] = process.argv;

function failure(e) {
  return { name: e?.constructor?.name ?? 'Error', message: String(e?.message ?? e), code: e?.code ?? null };
}

async function runSteps(transport, steps) {
  const client = new Client({ name: 'lanyard-ts-test-client', version: '1.32.2' });
  const report = { connected: false, tools: null, steps: [] };
  try {
    await client.connect(transport);
    report.connected = true;
    report.protocolVersion = transport.protocolVersion ?? null;
    report.sessionId = transport.sessionId ?? null;
  } catch (e) {
    report.connectError = failure(e);
    return report;
  }
  try {
    const listed = await client.listTools();
    report.tools = listed.tools.map((t) => t.name);
  } catch (e) {
    report.listError = failure(e);
  }
  for (const step of steps) {
    try {
      const result = await client.callTool({ name: step.tool, arguments: step.args ?? {} });
      report.steps.push({ tool: step.tool, isError: result.isError === true, text: result.content?.[0]?.text ?? null });
    } catch (e) {
      report.steps.push({ tool: step.tool, error: failure(e) });
    }
  }
  await client.close();
  return report;
}

async function discover() {
  // what any MCP client does first: call without a token, read the challenge, follow RFC 9728 then RFC 8414
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 0, method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'probe', version: '1' } } }),
  });
  const challenge = extractWWWAuthenticateParams(res);
  const prm = await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl: challenge.resourceMetadataUrl });
  const as = await discoverAuthorizationServerMetadata(prm.authorization_servers[0]);
  // and the SDK client itself, without credentials
  const connect = await runSteps(new StreamableHTTPClientTransport(new URL(url)), []);
  return {
    status: res.status,
    resourceMetadataUrl: challenge.resourceMetadataUrl?.href ?? null,
    scope: challenge.scope ?? null,
    resource: prm.resource,
    authorizationServers: prm.authorization_servers,
    issuer: as?.issuer ?? null,
    tokenEndpoint: as?.token_endpoint ?? null,
    connectError: connect.connectError ?? null,
  };
}

async function calls() {
  const [token, steps] = rest;
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  return runSteps(transport, JSON.parse(steps));
}

async function oauth() {
  // the SDK does everything: 401 → protected resource metadata → authorization server metadata → client_credentials
  // with private_key_jwt and the resource indicator → retry; on 403 insufficient_scope it authorizes again and retries.
  // One gap in 1.32.2: for client_credentials, fetchToken() asks for provider.clientMetadata.scope and ignores the
  // scope of the 403 challenge, so the re-authorization would ask for the same scope again. The fetch wrapper below
  // is the client-side fix: it widens the provider's scope to the union of what it had and what the challenge names.
  const [credentials, steps] = rest;
  const c = JSON.parse(credentials);
  const provider = new PrivateKeyJwtProvider({
    clientId: c.clientId, privateKey: c.jwk, algorithm: 'ES256', scope: c.scope, expectedIssuer: c.issuer,
  });
  const stepUp = async (input, init) => {
    const res = await fetch(input, init);
    if (res.status === 403) {
      const { error, scope } = extractWWWAuthenticateParams(res);
      if (error === 'insufficient_scope' && scope) {
        const union = new Set([...(provider.clientMetadata.scope ?? '').split(' '), ...scope.split(' ')].filter(Boolean));
        provider.clientMetadata.scope = [...union].join(' ');
      }
    }
    return res;
  };
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider, fetch: stepUp });
  const report = await runSteps(transport, JSON.parse(steps));
  report.finalScope = provider.tokens()?.scope ?? null;
  return report;
}

const scenarios = { discover, calls, oauth };
try {
  const result = await scenarios[scenario]();
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
} catch (e) {
  process.stdout.write(JSON.stringify({ fatal: failure(e), stack: String(e?.stack ?? '') }) + '\n');
  process.exit(1);
}
