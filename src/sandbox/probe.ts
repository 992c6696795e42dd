// Probe of the production path against a running sandbox: @azure/identity ClientSecretCredential
// (authorityHost = sandbox, instance discovery off) feeding the Graph client's
// TokenCredentialAuthenticationProvider. Run it with NODE_EXTRA_CA_CERTS set (Node reads it only at
// start-up):   NODE_EXTRA_CA_CERTS=.sandbox/tls/cert.pem AZURE_AUTHORITY_HOST=... node --import tsx src/sandbox/probe.ts
// Prints one JSON line; exit code 0 when both the token and the Graph calls succeeded.
import { ClientSecretCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';

interface Paged {
  value: Array<{ id: string }>;
  '@odata.nextLink'?: string;
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

async function main(): Promise<void> {
  const authorityHost = env('AZURE_AUTHORITY_HOST');
  const baseUrl = env('GRAPH_BASE_URL');
  const credential = new ClientSecretCredential(env('AZURE_TENANT_ID'), env('AZURE_CLIENT_ID'), env('AZURE_CLIENT_SECRET'), {
    authorityHost,
    disableInstanceDiscovery: true,
  });
  const scopes = ['https://graph.microsoft.com/.default'];
  const token = await credential.getToken(scopes);
  const client = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes }),
    baseUrl,
    customHosts: new Set([new URL(baseUrl).hostname]),
  });
  const org = (await client.api('/organization').select('verifiedDomains').get()) as { value: Array<{ verifiedDomains: unknown[] }> };
  const users = (await client
    .api('/users')
    .filter(`mail eq '${(process.argv[2] ?? 'alexw@contoso.com').replace(/'/g, "''")}'`)
    .select('id,displayName,userType')
    .get()) as { value: unknown[] };
  // Optional: page a group's members one at a time by following @odata.nextLink (absolute URLs).
  const groupId = process.env.PROBE_GROUP_ID;
  const memberIds: string[] = [];
  if (groupId) {
    let pageRes = (await client.api(`/groups/${encodeURIComponent(groupId)}/members`).select('id').top(1).get()) as Paged;
    memberIds.push(...pageRes.value.map((m) => m.id));
    while (pageRes['@odata.nextLink']) {
      pageRes = (await client.api(pageRes['@odata.nextLink']).get()) as Paged;
      memberIds.push(...pageRes.value.map((m) => m.id));
    }
  }
  process.stdout.write(
    `${JSON.stringify({
      memberIds,
      ok: true,
      tokenExpiresOnTimestamp: token.expiresOnTimestamp,
      tokenClaims: JSON.parse(Buffer.from(token.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown,
      verifiedDomains: org.value[0]?.verifiedDomains,
      users: users.value,
    })}\n`,
  );
}

main().catch((err: unknown) => {
  const e = err as { message?: string; statusCode?: number; code?: string };
  process.stdout.write(`${JSON.stringify({ ok: false, message: e.message ?? String(err), statusCode: e.statusCode, code: e.code })}\n`);
  process.exitCode = 1;
});
