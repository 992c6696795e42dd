// Builds the Graph SDK client and its credential from configuration. Real HTTPS, real SDK path:
// the sandbox tenant is reached the same way as Microsoft's (REFERENCE.md, @azure/identity).
import { ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { Client } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import type { GraphConfig } from '../config';

export function createGraphCredential(config: GraphConfig): { credential: TokenCredential; kind: string } {
  const options = { authorityHost: config.authorityHost, disableInstanceDiscovery: !config.instanceDiscovery };
  if (config.clientSecret && config.tenantId && config.clientId) {
    return { credential: new ClientSecretCredential(config.tenantId, config.clientId, config.clientSecret, options), kind: 'client secret' };
  }
  if (config.certificatePath && config.tenantId && config.clientId) {
    return { credential: new ClientCertificateCredential(config.tenantId, config.clientId, config.certificatePath, options), kind: 'client certificate' };
  }
  const credential = config.clientId ? new ManagedIdentityCredential({ clientId: config.clientId }) : new ManagedIdentityCredential();
  return { credential, kind: 'managed identity' };
}

export function createGraphClient(config: GraphConfig, credential: TokenCredential): Client {
  const base = new URL(config.baseUrl);
  const isMicrosoftGraph = /(^|\.)graph\.microsoft\.(com|us)$|(^|\.)microsoftgraph\.chinacloudapi\.cn$/.test(base.hostname);
  const scope = isMicrosoftGraph ? `${base.origin}/.default` : 'https://graph.microsoft.com/.default';
  return Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [scope] }),
    // The configured root as given, path included: the SDK appends /v1.0/... (PRODUCT.md section 7).
    baseUrl: config.baseUrl,
    defaultVersion: 'v1.0',
    // The SDK attaches the token only to Graph's own hosts unless told otherwise (REFERENCE.md).
    customHosts: isMicrosoftGraph ? undefined : new Set([base.hostname]),
  });
}
