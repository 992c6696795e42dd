// The botbuilder host's adapter: authentication of incoming activities and the bot's own outgoing
// token. botbuilder stays in src/hosts/botbuilder; the Teams layer sees only src/teams/turn.ts.
import { createRequire } from 'node:module';
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { MsalServiceClientCredentialsFactory, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { Activity } from 'botframework-schema';
import type { BotIdentityConfig } from '../../config';
import type { TurnOutcome } from '../../teams/turn';

/** Login hosts botbuilder's own credential classes know how to reach (Microsoft's clouds). */
const MICROSOFT_LOGIN_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.de',
]);

type ConfidentialClient = ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1];
type ConfidentialClientConstructor = new (configuration: {
  auth: { clientId: string; clientSecret: string; authority: string; knownAuthorities: string[] };
}) => ConfidentialClient;

/**
 * The MSAL that botframework-connector bundles (2.x; the hoisted @azure/msal-node belongs to
 * @azure/identity and is another major), resolved from botframework-connector's own location.
 */
function bundledConfidentialClientApplication(): ConfidentialClientConstructor {
  const fromConnector = createRequire(require.resolve('botframework-connector'));
  return (fromConnector('@azure/msal-node') as { ConfidentialClientApplication: ConfidentialClientConstructor }).ConfidentialClientApplication;
}

/**
 * botbuilder's credential classes build MSAL without `knownAuthorities`, so for a login host that is
 * not one of Microsoft's clouds MSAL fails (`endpoints_resolution_error`) and no reply can be sent;
 * `ValidateAuthority=false` does not help (REFERENCE.md). For such hosts the bot's outgoing token
 * comes from an MSAL client that trusts exactly that host. Undefined keeps botbuilder's own factory
 * (public cloud, gov cloud, MSI), as before.
 */
function credentialsFactoryFor(identity: BotIdentityConfig): ServiceClientCredentialsFactory | undefined {
  const loginUrl = identity.channelAuth?.ToChannelFromBotLoginUrl;
  if (identity.anonymous || !loginUrl || !identity.appId || !identity.appPassword || identity.appType === 'UserAssignedMSI') return undefined;
  const url = new URL(loginUrl);
  if (MICROSOFT_LOGIN_HOSTS.has(url.hostname.toLowerCase())) return undefined;
  const ConfidentialClientApplication = bundledConfidentialClientApplication();
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: identity.appId,
      clientSecret: identity.appPassword,
      authority: loginUrl.replace(/\/+$/, ''),
      // MSAL compares host and port.
      knownAuthorities: [url.host],
    },
  });
  return new MsalServiceClientCredentialsFactory(identity.appId, client);
}

export class GuestPassAdapter extends CloudAdapter {
  constructor(private readonly identity: BotIdentityConfig) {
    const { appPassword } = identity;
    const options: ConfigurationBotFrameworkAuthenticationOptions = identity.anonymous
      ? {}
      : {
          MicrosoftAppId: identity.appId,
          MicrosoftAppPassword: appPassword,
          MicrosoftAppType: identity.appType ?? 'MultiTenant',
          MicrosoftAppTenantId: identity.appTenantId,
          ...(identity.channelAuth ?? {}),
        };
    super(new ConfigurationBotFrameworkAuthentication(options, credentialsFactoryFor(identity)));
  }

  /**
   * Runs one activity. botbuilder answers 500 to forged signatures and malformed activities;
   * here anything that fails before the turn's logic starts is classified instead.
   */
  async run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<TurnOutcome> {
    const unverifiable = this.unverifiable(activity);
    if (unverifiable) return { kind: 'unauthorized', reason: unverifiable };
    // Without a service URL there is nowhere to answer: refused at once, not after the connector's retries.
    if (typeof activity.serviceUrl !== 'string' || activity.serviceUrl.trim() === '') return { kind: 'rejected', reason: 'the activity has no serviceUrl' };
    let started = false;
    try {
      const invokeResponse = await this.processActivity(authHeader, activity, async (context) => {
        started = true;
        await logic(context);
      });
      return { kind: 'done', invokeResponse };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      if (started) throw e;
      return this.identity.anonymous ? { kind: 'rejected', reason } : { kind: 'unauthorized', reason };
    }
  }

  /**
   * botbuilder 4.23.3 skips a check when the activity leaves the field it compares empty: no
   * `serviceUrl`, no `serviceurl` claim check; an empty `channelId`, no endorsement check. A token
   * the channel signed for one service URL or one channel would then drive a turn with any content.
   */
  private unverifiable(activity: Activity): string | undefined {
    if (this.identity.anonymous) return undefined;
    if (typeof activity.serviceUrl !== 'string' || activity.serviceUrl.trim() === '') {
      return "the activity has no serviceUrl, so the token's serviceurl claim cannot be checked";
    }
    if (typeof activity.channelId !== 'string' || activity.channelId.trim() === '') {
      return "the activity has no channelId, so the signing key's endorsements cannot be checked";
    }
    return undefined;
  }
}
