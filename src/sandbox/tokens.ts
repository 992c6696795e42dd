// Access tokens: RS256 JWTs shaped like Entra's app-only Graph tokens (v1 claims: appid, tid,
// roles), signed with a local key and verified by the Graph half of the sandbox. The bot never
// parses them; the point is that Graph calls need a token this server actually issued.
import { createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject, createHash } from 'node:crypto';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
/** Graph's well-known app id; real tokens sometimes carry it as the audience. */
const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const TOKEN_LIFETIME_SECONDS = 3599;

export interface TokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  appid: string;
  roles: string[];
  [k: string]: unknown;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

export class TokenIssuer {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly kid: string;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.kid = createHash('sha256').update(der).digest('base64url').slice(0, 27);
  }

  /** JWKS document (jwks_uri), so anyone curious can verify the tokens like Entra's. */
  jwks(): { keys: unknown[] } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ ...jwk, kid: this.kid, use: 'sig', alg: 'RS256', kty: 'RSA' }] };
  }

  issue(opts: { issuer: string; tenantId: string; appId: string; appName: string; roles: string[] }): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: TokenClaims = {
      aud: GRAPH_AUDIENCE,
      iss: opts.issuer,
      iat: now,
      nbf: now - 300,
      exp: now + TOKEN_LIFETIME_SECONDS,
      tid: opts.tenantId,
      appid: opts.appId,
      app_displayname: opts.appName,
      idtyp: 'app',
      oid: opts.appId,
      sub: opts.appId,
      roles: opts.roles,
      uti: randomUUID(),
      ver: '1.0',
    };
    const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(input), this.privateKey);
    return `${input}.${b64url(signature)}`;
  }

  /** Messages follow Graph's InvalidAuthenticationToken wording where it has one. */
  check(token: string, tenantId: string): TokenCheck {
    const parts = token.split('.');
    if (parts.length !== 3) return { ok: false, reason: 'IDX14100: JWT is not well formed, there are no dots (.).' };
    const [h, p, s] = parts as [string, string, string];
    let claims: TokenClaims;
    try {
      const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string };
      if (header.alg !== 'RS256') return { ok: false, reason: 'Access token validation failure. Invalid signature algorithm.' };
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return { ok: false, reason: 'Access token validation failure. Invalid token.' };
    }
    if (!verify('sha256', Buffer.from(`${h}.${p}`), this.publicKey, Buffer.from(s, 'base64url'))) {
      return { ok: false, reason: 'Access token validation failure. Invalid signature.' };
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof claims.exp !== 'number' || claims.exp <= now) return { ok: false, reason: 'Lifetime validation failed, the token is expired.' };
    if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return { ok: false, reason: 'Lifetime validation failed, the token is not yet valid.' };
    if (claims.aud !== GRAPH_AUDIENCE && claims.aud !== GRAPH_APP_ID) return { ok: false, reason: 'Invalid audience.' };
    if (claims.tid !== tenantId) return { ok: false, reason: 'Access token validation failure. Invalid tenant.' };
    if (!Array.isArray(claims.roles)) claims.roles = [];
    return { ok: true, claims };
  }
}
