// Sandbox tenant: a local HTTPS stand-in for Microsoft Entra (client-credentials tokens) and the
// Microsoft Graph v1.0 endpoints Guest Pass uses, with Graph's status codes and error bodies and
// switches to inject faults. The bot reaches it through its unmodified production code path
// (@azure/identity + @microsoft/microsoft-graph-client) by pointing authorityHost/baseUrl here.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { SandboxCore } from './core';
import { DEFAULT_SEED_FILE, loadSeed } from './directory';
import { SandboxServer } from './server';
import { ensureSandboxCertificate, loadSigningKey } from './tls';
import { TokenIssuer } from './tokens';
import type { DirectorySnapshot, SandboxOptions, SandboxTenant } from './types';

export { ensureSandboxCertificate } from './tls';
export type {
  DirectorySnapshot,
  FaultRule,
  InvitationRecord,
  RequestLogEntry,
  SandboxGroup,
  SandboxOptions,
  SandboxSettings,
  SandboxTenant,
  SandboxUser,
} from './types';

export const DEFAULT_TLS_DIR = '.sandbox/tls';

/** The run-contract variables that point the bot (or any Graph client) at this sandbox. */
export function sandboxRunContract(sandbox: Pick<SandboxTenant, 'url' | 'tenantId' | 'clientId' | 'clientSecret' | 'caCertPath'>): Record<string, string> {
  return {
    AZURE_AUTHORITY_HOST: sandbox.url,
    GRAPH_BASE_URL: sandbox.url,
    AZURE_TENANT_ID: sandbox.tenantId,
    AZURE_CLIENT_ID: sandbox.clientId,
    AZURE_CLIENT_SECRET: sandbox.clientSecret,
    // Read by Node only at start-up: this is what makes a process trust the sandbox's certificate.
    NODE_EXTRA_CA_CERTS: sandbox.caCertPath,
  };
}

/**
 * How many invitation e-mails Microsoft would have sent to an address: the invitations to it with
 * `sendInvitationMessage` true (a resend counts again). Works on `snapshot()` and on the control
 * plane's `GET /_sandbox/state` alike.
 */
export function invitationEmailsTo(snapshot: Pick<DirectorySnapshot, 'invitations'>, email: string): number {
  const address = email.toLowerCase();
  return snapshot.invitations.filter((i) => i.sendInvitationMessage && i.invitedUserEmailAddress.toLowerCase() === address).length;
}

export async function startSandboxTenant(opts: SandboxOptions = {}): Promise<SandboxTenant> {
  const tlsDir = resolve(opts.tlsDir ?? DEFAULT_TLS_DIR);
  const cert = ensureSandboxCertificate(tlsDir);
  const seed = loadSeed(opts.seedFile ?? DEFAULT_SEED_FILE);
  const core = new SandboxCore({
    seed,
    dataFile: opts.dataFile ? resolve(opts.dataFile) : undefined,
    tokens: new TokenIssuer(loadSigningKey(tlsDir)),
    settings: { latencyMs: opts.latencyMs ?? 0, enforceThrottling: opts.enforceThrottling ?? false },
    throttle: { invitationsPerWindow: opts.throttle?.invitationsPerWindow ?? 150, windowMs: opts.throttle?.windowMs ?? 5000 },
  });
  const server = new SandboxServer(core, { cert: readFileSync(cert.certPath, 'utf8'), key: readFileSync(cert.keyPath, 'utf8') });
  await new Promise<void>((ok, fail) => {
    server.https.once('error', fail);
    server.https.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.https.off('error', fail);
      ok();
    });
  });
  const { port } = server.https.address() as AddressInfo;
  const url = `https://127.0.0.1:${port}`;
  core.ctx.url = url;

  return {
    url,
    tenantId: seed.tenant.id,
    clientId: seed.app.clientId,
    clientSecret: seed.app.clientSecret,
    caCertPath: cert.certPath,
    snapshot: () => core.ctx.directory.snapshot(seed.tenant.id),
    reset: () => core.reset(),
    settings: (patch) => void core.updateSettings(patch),
    addFault: (rule) => core.addFault(rule),
    clearFaults: () => core.ctx.faults.clear(),
    redeem: (emailOrUserId) => void core.redeem(emailOrUserId),
    requests: () => core.requests(),
    clearRequests: () => core.clearRequests(),
    // Keep-alive sockets from SDK clients and requests held by 'hang' faults are ended, not awaited.
    close: () => server.close(),
  };
}
