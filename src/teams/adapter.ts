// botbuilder stays in src/teams: moving to the Microsoft 365 Agents SDK touches this folder alone.
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Activity } from 'botframework-schema';
import type { BotIdentityConfig } from '../config';

export type TurnOutcome =
  | { kind: 'done'; invokeResponse?: InvokeResponse }
  /** Authentication failed before the turn started: a 401, never a server fault (REFERENCE.md). */
  | { kind: 'unauthorized'; reason: string }
  /** The activity could not be processed at all (bad serviceUrl, odd fields): a 400. */
  | { kind: 'rejected'; reason: string };

export class GuestPassAdapter extends CloudAdapter {
  constructor(private readonly identity: BotIdentityConfig) {
    const options: ConfigurationBotFrameworkAuthenticationOptions = identity.anonymous
      ? {}
      : {
          MicrosoftAppId: identity.appId,
          MicrosoftAppPassword: identity.appPassword,
          MicrosoftAppType: identity.appType ?? 'MultiTenant',
          MicrosoftAppTenantId: identity.appTenantId,
          ...(identity.channelAuth ?? {}),
        };
    super(new ConfigurationBotFrameworkAuthentication(options));
  }

  /**
   * Runs one activity. botbuilder answers 500 to forged signatures and malformed activities;
   * here anything that fails before the turn's logic starts is classified instead.
   */
  async run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<TurnOutcome> {
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
}
