// A stand-in for the Bot Framework channel's security side, over HTTPS on loopback:
//  - what the bot reads to check incoming requests: the channel's OpenID metadata and signing keys
//    (RS256, with `endorsements` like Bot Framework's keys), and a way to mint channel tokens,
//    genuine or broken in one chosen way;
//  - where the bot gets its own outgoing token: an Entra-like authority (OIDC metadata and a
//    client-credentials token endpoint) whose tokens the connector stand-in can verify.
// The bot reaches all of it through its production configuration: the seven channel-auth settings.
import { generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DEFAULT_TLS_DIR, ensureSandboxCertificate } from '../../src/sandbox';

export interface ChannelStandInOptions {
  /** The bot's app id: the `aud` of genuine channel tokens and the client the token endpoint accepts. */
  botAppId: string;
  botAppPassword: string;
  /** The tenant segment of the bot's login URL (`ToChannelFromBotLoginUrl`). */
  tenant: string;
  /** The channel id the signing key is endorsed for. */
  endorsements?: string[];
  /** `ToChannelFromBotOAuthScope`: the audience of the bot's outgoing token. */
  oauthScope?: string;
}

/** Ways a channel token can be wrong; each must be refused with 401. */
export const BAD_CHANNEL_TOKENS = {
  expired: 'that expired ten minutes ago (beyond the five-minute clock tolerance)',
  notYetValid: 'that is valid only from ten minutes from now',
  unknownKey: 'signed by a key whose kid is not in the channel key set',
  forgedSignature: "signed by another key while naming the channel key's kid (a forged signature)",
  wrongAudience: 'issued for another bot (aud)',
  wrongServiceUrl: 'whose serviceurl claim names another service URL than the activity',
  wrongIssuer: 'issued by https://api.botframework.com, not the configured issuer',
  emulatorIssuer: 'claiming to come from the Emulator (Entra issuer), signed with the channel key',
  noServiceUrl: 'without a serviceurl claim',
  noKid: 'without a kid in its header',
  otherChannelKey: 'signed by a published channel key endorsed only for another channel (webchat)',
} as const;
export type ChannelTokenVariant = 'genuine' | keyof typeof BAD_CHANNEL_TOKENS;

export interface TokenRequest {
  clientId: string | null;
  scope: string | null;
  /** HTTP status the token endpoint answered. */
  status: number;
}

export interface BotTokenCheck {
  ok: boolean;
  reason?: string;
  claims?: Record<string, unknown>;
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, publicKey, kid: randomUUID().replace(/-/g, '') };
}

/** An RS256 JWT. `kid: null` leaves the header without one. */
export function signJwt(claims: Record<string, unknown>, key: KeyObject, kid: string | null): string {
  const header: Record<string, string> = { alg: 'RS256', typ: 'JWT' };
  if (kid !== null) header.kid = kid;
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), key))}`;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
    claims: JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

export class ChannelStandIn {
  /** Signs genuine channel tokens; published in the channel key set. */
  private readonly channelKey = newKey();
  /** Published, but endorsed only for another channel: it may not sign Teams activities. */
  private readonly otherChannelKey = newKey();
  /** Never published: tokens signed with it are forgeries. */
  private readonly rogueKey = newKey();
  /** Signs the bot's outgoing tokens (the Entra-like authority's key). */
  private readonly authorityKey = newKey();
  private server?: Server;
  private readonly endorsements: string[];

  /** Every request the stand-in received (method and path), to show the bot really came here. */
  readonly requests: { method: string; path: string }[] = [];
  readonly tokenRequests: TokenRequest[] = [];
  /** Tokens the token endpoint issued to the bot. */
  readonly issuedBotTokens: string[] = [];
  url = '';
  readonly oauthScope: string;

  constructor(private readonly options: ChannelStandInOptions) {
    this.endorsements = options.endorsements ?? ['msteams'];
    this.oauthScope = options.oauthScope ?? 'https://api.botframework.com';
  }

  /** `ToBotFromChannelTokenIssuer`: the `iss` of channel tokens. */
  get channelIssuer(): string {
    return `${this.url}/channel`;
  }

  /** `ToChannelFromBotLoginUrl`: the authority the bot's MSAL asks for its own token. */
  get loginUrl(): string {
    return `${this.url}/${this.options.tenant}`;
  }

  /** The `iss` of the bot's outgoing tokens. */
  get authorityIssuer(): string {
    return `${this.loginUrl}/v2.0`;
  }

  /** The seven botbuilder channel-auth settings, pointing here. */
  env(): Record<string, string> {
    return {
      ToBotFromChannelOpenIdMetadataUrl: `${this.url}/v1/.well-known/openidconfiguration`,
      ToBotFromChannelTokenIssuer: this.channelIssuer,
      ToChannelFromBotLoginUrl: this.loginUrl,
      ToChannelFromBotOAuthScope: this.oauthScope,
      ToBotFromEmulatorOpenIdMetadataUrl: `${this.url}/emulator/v2.0/.well-known/openid-configuration`,
      OAuthUrl: `${this.url}/oauth`,
      CallerId: 'urn:botframework:guest-pass-stand-in',
    };
  }

  async start(): Promise<this> {
    const { certPath, keyPath } = ensureSandboxCertificate(path.resolve(DEFAULT_TLS_DIR));
    this.server = createServer({ cert: readFileSync(certPath, 'utf8'), key: readFileSync(keyPath, 'utf8') }, (req, res) =>
      this.handle(req, res).catch((err: unknown) => {
        // A stand-in bug must show up as a failed request, not as a hung or crashed test.
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err instanceof Error ? err.stack : err));
      }),
    );
    await new Promise<void>((ok, fail) => {
      this.server!.once('error', fail);
      this.server!.listen(0, '127.0.0.1', () => ok());
    });
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  /** A channel token for an activity posted with `serviceUrl`, genuine or broken as `variant` says. */
  channelToken(serviceUrl: string, variant: ChannelTokenVariant = 'genuine'): string {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      serviceurl: serviceUrl,
      nbf: now - 60,
      exp: now + 3600,
      iss: this.channelIssuer,
      aud: this.options.botAppId,
    };
    let key = this.channelKey.privateKey;
    let kid: string | null = this.channelKey.kid;
    switch (variant) {
      case 'genuine':
        break;
      case 'expired':
        claims.nbf = now - 3600;
        claims.exp = now - 600;
        break;
      case 'notYetValid':
        claims.nbf = now + 600;
        break;
      case 'unknownKey':
        key = this.rogueKey.privateKey;
        kid = this.rogueKey.kid;
        break;
      case 'forgedSignature':
        key = this.rogueKey.privateKey;
        break;
      case 'wrongAudience':
        claims.aud = randomUUID();
        break;
      case 'wrongServiceUrl':
        claims.serviceurl = 'https://smba.trafficmanager.net/evil/';
        break;
      case 'wrongIssuer':
        claims.iss = 'https://api.botframework.com';
        break;
      case 'emulatorIssuer':
        claims.iss = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';
        claims.ver = '1.0';
        claims.appid = this.options.botAppId;
        break;
      case 'noServiceUrl':
        delete claims.serviceurl;
        break;
      case 'noKid':
        kid = null;
        break;
      case 'otherChannelKey':
        key = this.otherChannelKey.privateKey;
        kid = this.otherChannelKey.kid;
        break;
    }
    return signJwt(claims, key, kid);
  }

  /** Checks a bearer header the way the channel would: issued here, for this bot, for the channel scope. */
  verifyBotToken(authorization: string | undefined): BotTokenCheck {
    const m = /^Bearer (\S+)$/.exec(authorization ?? '');
    if (!m) return { ok: false, reason: 'no bearer token' };
    const token = m[1]!;
    const [h, p, s] = token.split('.');
    if (!h || !p || !s) return { ok: false, reason: 'not a JWT' };
    const { header, claims } = decodeJwt(token);
    if (header.alg !== 'RS256' || header.kid !== this.authorityKey.kid) return { ok: false, reason: 'not signed by the stand-in authority key' };
    if (!verify('sha256', Buffer.from(`${h}.${p}`), this.authorityKey.publicKey, Buffer.from(s, 'base64url'))) return { ok: false, reason: 'bad signature' };
    if (claims.iss !== this.authorityIssuer) return { ok: false, reason: `iss ${String(claims.iss)}` };
    if (claims.aud !== this.oauthScope) return { ok: false, reason: `aud ${String(claims.aud)}` };
    if (claims.appid !== this.options.botAppId) return { ok: false, reason: `appid ${String(claims.appid)}` };
    if (typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return { ok: false, reason: 'expired' };
    return { ok: true, claims };
  }

  private jwk(key: SigningKey, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const { n, e } = key.publicKey.export({ format: 'jwk' });
    return { kty: 'RSA', use: 'sig', alg: 'RS256', kid: key.kid, n, e, ...extra };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const p = url.pathname;
    this.requests.push({ method: req.method ?? '', path: p });
    // No chained writeHead: restify, loaded in the same process, patches ServerResponse.
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const tenant = this.options.tenant;

    // The channel: what botbuilder's OpenIdMetadata reads.
    if (req.method === 'GET' && p === '/v1/.well-known/openidconfiguration') {
      return json(200, {
        issuer: this.channelIssuer,
        authorization_endpoint: `${this.url}/invalid`,
        jwks_uri: `${this.url}/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    }
    if (req.method === 'GET' && p === '/v1/.well-known/keys') {
      return json(200, {
        keys: [this.jwk(this.channelKey, { endorsements: this.endorsements }), this.jwk(this.otherChannelKey, { endorsements: ['webchat'] })],
      });
    }
    // The Emulator's metadata: configured because all seven settings go together; it publishes no
    // keys, so nothing claiming to come from the Emulator can be verified.
    if (req.method === 'GET' && p === '/emulator/v2.0/.well-known/openid-configuration') {
      return json(200, {
        issuer: `${this.url}/emulator/v2.0`,
        authorization_endpoint: `${this.url}/invalid`,
        jwks_uri: `${this.url}/emulator/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (req.method === 'GET' && p === '/emulator/keys') return json(200, { keys: [] });

    // The Entra-like authority for the bot's outgoing token (MSAL: issuer on the authority's origin).
    if (req.method === 'GET' && (p === `/${tenant}/v2.0/.well-known/openid-configuration` || p === `/${tenant}/.well-known/openid-configuration`)) {
      return json(200, {
        issuer: this.authorityIssuer,
        authorization_endpoint: `${this.loginUrl}/oauth2/v2.0/authorize`,
        token_endpoint: `${this.loginUrl}/oauth2/v2.0/token`,
        jwks_uri: `${this.loginUrl}/discovery/v2.0/keys`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        end_session_endpoint: `${this.loginUrl}/oauth2/v2.0/logout`,
      });
    }
    if (req.method === 'GET' && p === `/${tenant}/discovery/v2.0/keys`) {
      return json(200, { keys: [this.jwk(this.authorityKey)] });
    }
    if (req.method === 'POST' && p === `/${tenant}/oauth2/v2.0/token`) {
      return this.token(rawBody, req.headers.authorization, json);
    }
    json(404, { error: 'not_found', error_description: `${req.method} ${p}` });
  }

  private token(rawBody: string, authorization: string | undefined, json: (status: number, body: unknown) => void): void {
    const form = new URLSearchParams(rawBody);
    let clientId = form.get('client_id');
    let secret = form.get('client_secret');
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    if (basic?.[1]) {
      const [id, sec] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId ??= decodeURIComponent(id ?? '');
      secret ??= decodeURIComponent(sec ?? '');
    }
    const scope = form.get('scope');
    const answer = (status: number, body: unknown) => {
      this.tokenRequests.push({ clientId, scope, status });
      json(status, body);
    };
    if (form.get('grant_type') !== 'client_credentials') return answer(400, { error: 'unsupported_grant_type' });
    if (clientId !== this.options.botAppId || secret !== this.options.botAppPassword) {
      return answer(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.' });
    }
    const scopes = (scope ?? '').split(' ').filter(Boolean);
    if (!scopes.includes(`${this.oauthScope}/.default`)) return answer(400, { error: 'invalid_scope', error_description: `scope ${scope ?? ''}` });
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signJwt(
      {
        aud: this.oauthScope,
        iss: this.authorityIssuer,
        iat: now,
        nbf: now - 60,
        exp: now + 3600,
        appid: this.options.botAppId,
        azp: this.options.botAppId,
        tid: this.options.tenant,
        ver: '1.0',
        uti: randomUUID(),
      },
      this.authorityKey.privateKey,
      this.authorityKey.kid,
    );
    this.issuedBotTokens.push(accessToken);
    answer(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  }
}
