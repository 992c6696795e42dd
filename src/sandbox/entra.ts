// The Entra (login.microsoftonline.com) half: OIDC metadata, instance discovery, JWKS and the
// client-credentials token endpoint. Only what MSAL node asks for when @azure/identity runs with
// authorityHost = sandbox URL and disableInstanceDiscovery: true (verified by running it).
import { randomUUID } from 'node:crypto';
import type { FaultHit } from './faults';
import type { GraphResponse } from './graph/context';
import type { TokenIssuer } from './tokens';
import { TOKEN_LIFETIME_SECONDS } from './tokens';
import type { SandboxSettings, SeedData } from './types';

export interface EntraContext {
  url: string;
  seed: SeedData;
  settings: SandboxSettings;
  tokens: TokenIssuer;
}

export interface EntraRequest {
  method: string;
  segments: string[];
  headers: Record<string, string | undefined>;
  rawBody: string;
}

const jsonRes = (status: number, body: unknown, headers: Record<string, string> = {}): GraphResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache', ...headers },
  body,
});

/** Tenant aliases Entra accepts in the authority path. */
function resolveTenant(ctx: EntraContext, tenant: string): string | undefined {
  const t = tenant.toLowerCase();
  const { id, initialDomain, verifiedDomains } = ctx.seed.tenant;
  if (t === id || t === 'organizations' || t === 'common' || t === initialDomain || verifiedDomains.includes(t)) return id;
  return undefined;
}

function oauthError(status: number, error: string, code: number, description: string, correlationId: string): GraphResponse {
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return jsonRes(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${'https://login.microsoftonline.com'}/error?code=${code}`,
  });
}

/**
 * The OAuth-shaped answer of an injected fault on an Entra route, with the AADSTS codes Entra uses
 * for throttling (90055), transient failures (90033) and a refused secret (401: 7000215); any
 * other status is an invalid_request.
 */
export function entraFaultResponse(hit: FaultHit): GraphResponse {
  const status = hit.status ?? 500;
  const [error, code, description] =
    status === 429
      ? ['temporarily_unavailable', 90055, 'TenantThrottlingError: There are too many incoming requests. This request was throttled.']
      : status >= 500
        ? ['temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.']
        : status === 401
          ? ['invalid_client', 7000215, 'Invalid client secret provided (injected fault).']
          : ['invalid_request', 900144, 'Injected fault.'];
  const res = oauthError(status, error, code, hit.givenMessage ?? description, randomUUID());
  if (hit.retryAfterSeconds !== undefined) res.headers['retry-after'] = String(hit.retryAfterSeconds);
  return res;
}

function openIdConfiguration(ctx: EntraContext, tenantId: string, pathTenant: string): GraphResponse {
  const base = `${ctx.url}/${pathTenant}`;
  return jsonRes(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${ctx.url}/${tenantId}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    // MSAL requires the issuer to share the authority's origin.
    issuer: `${ctx.url}/${tenantId}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${ctx.url}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'tid', 'ver', 'oid', 'roles'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: 'EU',
    cloud_instance_name: new URL(ctx.url).host,
    cloud_graph_host_name: new URL(ctx.url).host,
    msgraph_host: new URL(ctx.url).host,
    rbac_url: ctx.url,
  });
}

function instanceDiscovery(ctx: EntraContext, tenantId: string): GraphResponse {
  const host = new URL(ctx.url).host;
  return jsonRes(200, {
    tenant_discovery_endpoint: `${ctx.url}/${tenantId}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
  });
}

function token(ctx: EntraContext, req: EntraRequest, tenantId: string): GraphResponse {
  const form = new URLSearchParams(req.rawBody);
  const correlationId = form.get('client-request-id') ?? req.headers['client-request-id'] ?? randomUUID();
  let clientId = form.get('client_id');
  let secret = form.get('client_secret');
  // client_secret_basic is legal too.
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const [id, sec] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    clientId ??= decodeURIComponent(id ?? '');
    secret ??= decodeURIComponent(sec ?? '');
  }
  const grant = form.get('grant_type');
  if (grant !== 'client_credentials') {
    return oauthError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant ?? ''}'.`, correlationId);
  }
  const { app } = ctx.seed;
  if (clientId !== app.clientId) {
    return oauthError(
      401,
      'invalid_client',
      700016,
      `Application with identifier '${clientId ?? ''}' was not found in the directory '${ctx.seed.tenant.displayName}'.`,
      correlationId,
    );
  }
  if (secret !== app.clientSecret) {
    return oauthError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
      correlationId,
    );
  }
  const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
  const resourceScope = scopes.find((s) => s.endsWith('/.default'));
  if (!resourceScope) {
    return oauthError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      correlationId,
    );
  }
  const resource = resourceScope.slice(0, -'/.default'.length).replace(/\/$/, '');
  if (resource !== 'https://graph.microsoft.com' && resource !== '00000003-0000-0000-c000-000000000000') {
    return oauthError(400, 'invalid_resource', 500011, `The resource principal named ${resource} was not found in the tenant named ${ctx.seed.tenant.displayName}.`, correlationId);
  }
  const roles = app.roles.filter((r) => !ctx.settings.revokedRoles.includes(r));
  const accessToken = ctx.tokens.issue({ issuer: `${ctx.url}/${tenantId}/v2.0`, tenantId, appId: app.clientId, appName: 'Guest Pass', roles });
  return jsonRes(200, {
    token_type: 'Bearer',
    expires_in: TOKEN_LIFETIME_SECONDS,
    ext_expires_in: TOKEN_LIFETIME_SECONDS,
    access_token: accessToken,
  });
}

/** Returns undefined when the path is not an Entra route (the server then tries others). */
export function handleEntra(ctx: EntraContext, req: EntraRequest): GraphResponse | undefined {
  const s = req.segments;
  const m = req.method.toUpperCase();
  const [tenant, ...rest] = s;
  if (!tenant) return undefined;
  const path = rest.join('/');
  const known = [
    'v2.0/.well-known/openid-configuration',
    '.well-known/openid-configuration',
    'discovery/instance',
    'discovery/v2.0/keys',
    'discovery/keys',
    'oauth2/v2.0/token',
  ];
  if (!known.includes(path)) return undefined;
  const tenantId = resolveTenant(ctx, tenant);
  if (!tenantId) {
    return oauthError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, randomUUID());
  }
  if (path === 'oauth2/v2.0/token') {
    return m === 'POST' ? token(ctx, req, tenantId) : oauthError(405, 'invalid_request', 900561, 'The endpoint only accepts POST requests.', randomUUID());
  }
  if (m !== 'GET') return oauthError(405, 'invalid_request', 900561, 'The endpoint only accepts GET requests.', randomUUID());
  if (path.endsWith('openid-configuration')) return openIdConfiguration(ctx, tenantId, tenant);
  if (path === 'discovery/instance') return instanceDiscovery(ctx, tenantId);
  return jsonRes(200, ctx.tokens.jwks());
}
