// The one place that reads the environment. Everything else receives an AppConfig.
// Variable names are the run contract of PRODUCT.md section 7 and must not change.
import { isIP } from 'node:net';
import { z } from 'zod';
import type { InvitePolicy } from './domain/policy';

export type { InvitePolicy };
export type RedeemLinkAudience = 'owners' | 'channel';

const PUBLIC_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoftonline.us',
  'login.chinacloudapi.cn',
  'login.microsoftonline.de',
]);

const CHANNEL_AUTH_KEYS = [
  'ToBotFromChannelOpenIdMetadataUrl',
  'ToBotFromChannelTokenIssuer',
  'ToChannelFromBotLoginUrl',
  'ToChannelFromBotOAuthScope',
  'ToBotFromEmulatorOpenIdMetadataUrl',
  'OAuthUrl',
  'CallerId',
] as const;
export type ChannelAuthKey = (typeof CHANNEL_AUTH_KEYS)[number];

export interface BotIdentityConfig {
  appId?: string;
  appPassword?: string;
  appTenantId?: string;
  appType?: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  /** Only for local tools (the Agents Playground): requests are not authenticated at all. */
  anonymous: boolean;
  /** botbuilder's channel-authentication settings, all seven or none. */
  channelAuth?: Record<ChannelAuthKey, string>;
}

export interface GraphConfig {
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  certificatePath?: string;
  authorityHost: string;
  /** Off for any authority that is not one of Microsoft's clouds (REFERENCE.md: offline discovery hangs). */
  instanceDiscovery: boolean;
  baseUrl: string;
  /** Per attempt, for every Graph request and every token request (boundedRequests.ts, graphClient.ts). */
  requestTimeoutMs: number;
}

export interface PolicyConfig {
  invitePolicy: InvitePolicy;
  redirectUrl?: string;
  sendInvitationEmail: boolean;
  allowedDomains: string[];
  blockedDomains: string[];
  redeemLinkAudience: RedeemLinkAudience;
}

export interface AppConfig {
  port: number;
  /**
   * Listen address; undefined means all interfaces. An anonymous bot accepts anyone's requests, so
   * it defaults to loopback: only tools on this machine (the Agents Playground) reach it.
   */
  host?: string;
  bot: BotIdentityConfig;
  graph: GraphConfig;
  policy: PolicyConfig;
  /** Tenants whose activities are served; defaults to the Graph tenant. Empty means any (anonymous local runs only). */
  allowedTenants: string[];
  redemptionCheckSeconds: number;
  /** Bulk pacing: invitations per 5 s for the tenant (Graph allows 150, all apps together), and how many wait or fly at once. */
  bulk: { invitationsPer5s: number; inviteConcurrency: number };
  /** Open approval requests older than this get one reminder. */
  approvalReminderHours: number;
  /** Guest lifecycle (PRODUCT.md 7): review period, grace before reminder and expiry, expiry on or off, pending reminder age; in days (decimals allowed). */
  lifecycle: LifecycleConfig;
  dataDir: string;
  storageConnectionString?: string;
  /** Azure Storage Tables endpoint used with the app's own credential instead of a key. */
  storageAccountUrl?: string;
  logLevel: string;
  /** Where people reach this bot's own links (the audit export); App Service's host name when not set. */
  publicBaseUrl: string;
  /** Base URL of this project's docs folder; refusal cards link to the tenant prerequisites in deployment.md there. */
  docsBaseUrl: string;
  /** Application Insights through OpenTelemetry; undefined (off, nothing loaded) without a connection string. */
  telemetry?: TelemetryConfig;
}

export interface LifecycleConfig {
  reviewDays: number;
  reviewGraceDays: number;
  expireUnreviewed: boolean;
  pendingReminderDays: number;
}

export interface TelemetryConfig {
  /** Application Insights connection string (InstrumentationKey=...;IngestionEndpoint=...). Not a secret, but kept out of logs. */
  connectionString: string;
}

/** Where the docs of this project live; DOCS_BASE_URL points refusal cards at a copy of your own. */
export const DEFAULT_DOCS_BASE_URL = 'https://www.contoso.com/guest-pass/docs';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Guest Pass cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const booleanText = (fallback: boolean) =>
  optionalText.pipe(
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .optional()
      .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v))),
  );

const httpsUrl = (fallback: string) =>
  optionalText.pipe(
    z
      .url({ message: 'must be a URL' })
      .refine((u) => u.startsWith('https://'), { message: 'must be an https:// URL' })
      .optional()
      .transform((v) => (v ?? fallback).replace(/\/+$/, '')),
  );

const httpsUrlOrUndefined = z
  .url({ message: 'must be a URL' })
  .refine((u) => u.startsWith('https://'), { message: 'must be an https:// URL' })
  .optional();

const domainPattern = /^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/;
const domainList = optionalText.transform((v, ctx) => {
  const items = (v ?? '')
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter(Boolean);
  for (const item of items) {
    if (!domainPattern.test(item)) ctx.addIssue({ code: 'custom', message: `"${item}" is not a domain or *.domain pattern` });
  }
  return items;
});

const integerText = (min: number, max: number) =>
  optionalText.pipe(
    z
      .string()
      .regex(/^\d+$/, { message: 'must be a whole number' })
      .transform(Number)
      .pipe(z.number().int().min(min).max(max))
      .optional(),
  );

/** Days as a decimal number (tests use seconds' worth, e.g. 0.00002); `min` is the smallest allowed. */
const daysText = (fallback: number, min: number) =>
  optionalText.pipe(
    z
      .string()
      .regex(/^\d+(\.\d+)?$/, { message: 'must be a number of days, such as 90 or 0.5' })
      .transform(Number)
      .pipe(z.number().min(min).max(3650))
      .optional()
      .transform((v) => v ?? fallback),
  );

const envSchema = z.object({
  PORT: integerText(1, 65535),
  HOST: optionalText.pipe(
    z
      .string()
      .refine((v) => isIP(v) !== 0, { message: 'must be an IP address, such as 127.0.0.1, 0.0.0.0 or ::' })
      .optional(),
  ),
  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppTenantId: optionalText,
  MicrosoftAppType: optionalText.pipe(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).optional()),
  BOT_ALLOW_ANONYMOUS: booleanText(false),
  AZURE_TENANT_ID: optionalText,
  AZURE_CLIENT_ID: optionalText,
  AZURE_CLIENT_SECRET: optionalText,
  AZURE_CLIENT_CERTIFICATE_PATH: optionalText,
  AZURE_AUTHORITY_HOST: httpsUrl('https://login.microsoftonline.com'),
  GRAPH_BASE_URL: httpsUrl('https://graph.microsoft.com'),
  GRAPH_REQUEST_TIMEOUT_MS: integerText(100, 120_000),
  INVITE_POLICY: optionalText.pipe(z.enum(['approval', 'owners', 'members']).optional().default('approval')),
  INVITE_REDIRECT_URL: optionalText.pipe(z.url({ message: 'must be a URL' }).optional()),
  SEND_INVITATION_EMAIL: booleanText(true),
  ALLOWED_DOMAINS: domainList,
  BLOCKED_DOMAINS: domainList,
  REDEEM_LINK_AUDIENCE: optionalText.pipe(z.enum(['owners', 'channel']).optional().default('owners')),
  ALLOWED_TENANTS: optionalText,
  REDEMPTION_CHECK_SECONDS: integerText(1, 86400),
  APPROVAL_REMINDER_HOURS: integerText(1, 24 * 30),
  GUEST_REVIEW_DAYS: daysText(90, 0.00001),
  GUEST_REVIEW_GRACE_DAYS: daysText(14, 0),
  GUEST_EXPIRE_UNREVIEWED: booleanText(false),
  PENDING_REMINDER_DAYS: daysText(7, 0.00001),
  BULK_INVITATIONS_PER_5S: integerText(1, 150),
  BULK_INVITE_CONCURRENCY: integerText(1, 150),
  DATA_DIR: optionalText,
  AZURE_STORAGE_CONNECTION_STRING: optionalText,
  AZURE_STORAGE_ACCOUNT_URL: optionalText.pipe(httpsUrlOrUndefined),
  PUBLIC_BASE_URL: optionalText.pipe(z.url({ message: 'must be a URL' }).optional()),
  WEBSITE_HOSTNAME: optionalText,
  APPLICATIONINSIGHTS_CONNECTION_STRING: optionalText.pipe(
    z
      .string()
      .refine((v) => /(^|;)\s*InstrumentationKey\s*=\s*[0-9a-f-]{36}\s*(;|$)/i.test(v), {
        message: 'must be an Application Insights connection string (InstrumentationKey=<guid>;IngestionEndpoint=https://...)',
      })
      .refine((v) => !/(^|;)\s*IngestionEndpoint\s*=\s*http:/i.test(v), { message: 'IngestionEndpoint must be https' })
      .optional(),
  ),
  DOCS_BASE_URL: httpsUrl(DEFAULT_DOCS_BASE_URL),
  LOG_LEVEL: optionalText.pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info')),
});

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  if (!e.MicrosoftAppId && !e.BOT_ALLOW_ANONYMOUS) {
    problems.push(
      'MicrosoftAppId is not set. A production bot must authenticate the channel; set MicrosoftAppId ' +
        '(and MicrosoftAppPassword or MicrosoftAppType=UserAssignedMSI), or BOT_ALLOW_ANONYMOUS=true for local tools only.',
    );
  }
  if (e.MicrosoftAppId && e.BOT_ALLOW_ANONYMOUS) {
    problems.push('BOT_ALLOW_ANONYMOUS=true and MicrosoftAppId are both set: choose one.');
  }
  if (e.MicrosoftAppId && e.MicrosoftAppType !== 'UserAssignedMSI' && !e.MicrosoftAppPassword) {
    problems.push('MicrosoftAppPassword is required with MicrosoftAppId unless MicrosoftAppType=UserAssignedMSI.');
  }
  if (e.MicrosoftAppType === 'SingleTenant' && !e.MicrosoftAppTenantId) {
    problems.push('MicrosoftAppTenantId is required when MicrosoftAppType=SingleTenant.');
  }

  const channelAuthSet = CHANNEL_AUTH_KEYS.filter((k) => (env[k] ?? '').trim() !== '');
  let channelAuth: Record<ChannelAuthKey, string> | undefined;
  if (channelAuthSet.length > 0 && channelAuthSet.length < CHANNEL_AUTH_KEYS.length) {
    const missing = CHANNEL_AUTH_KEYS.filter((k) => !channelAuthSet.includes(k));
    problems.push(`channel-authentication settings are all seven or none; missing: ${missing.join(', ')}`);
  } else if (channelAuthSet.length === CHANNEL_AUTH_KEYS.length) {
    channelAuth = Object.fromEntries(CHANNEL_AUTH_KEYS.map((k) => [k, (env[k] as string).trim()])) as Record<ChannelAuthKey, string>;
  }

  if ((e.AZURE_CLIENT_SECRET || e.AZURE_CLIENT_CERTIFICATE_PATH) && !(e.AZURE_TENANT_ID && e.AZURE_CLIENT_ID)) {
    problems.push('AZURE_TENANT_ID and AZURE_CLIENT_ID are required with AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.');
  }
  if (!e.AZURE_TENANT_ID && !e.MicrosoftAppTenantId && !e.BOT_ALLOW_ANONYMOUS) {
    problems.push('AZURE_TENANT_ID is not set: Guest Pass serves one tenant and must know which.');
  }

  const authorityHost = e.AZURE_AUTHORITY_HOST;
  const graphTenant = e.AZURE_TENANT_ID ?? e.MicrosoftAppTenantId;
  const allowedTenants = e.ALLOWED_TENANTS
    ? e.ALLOWED_TENANTS.split(',').map((t) => t.trim()).filter(Boolean)
    : graphTenant
      ? [graphTenant]
      : [];

  if (problems.length > 0) throw new ConfigError(problems);

  return {
    port: e.PORT ?? 3978,
    host: e.HOST ?? (e.MicrosoftAppId ? undefined : '127.0.0.1'),
    bot: {
      appId: e.MicrosoftAppId,
      appPassword: e.MicrosoftAppPassword,
      appTenantId: e.MicrosoftAppTenantId,
      appType: e.MicrosoftAppType,
      anonymous: !e.MicrosoftAppId,
      channelAuth,
    },
    graph: {
      tenantId: graphTenant,
      clientId: e.AZURE_CLIENT_ID,
      clientSecret: e.AZURE_CLIENT_SECRET,
      certificatePath: e.AZURE_CLIENT_CERTIFICATE_PATH,
      authorityHost,
      instanceDiscovery: PUBLIC_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname),
      baseUrl: e.GRAPH_BASE_URL,
      requestTimeoutMs: e.GRAPH_REQUEST_TIMEOUT_MS ?? 8000,
    },
    policy: {
      invitePolicy: e.INVITE_POLICY,
      redirectUrl: e.INVITE_REDIRECT_URL,
      sendInvitationEmail: e.SEND_INVITATION_EMAIL,
      allowedDomains: e.ALLOWED_DOMAINS,
      blockedDomains: e.BLOCKED_DOMAINS,
      redeemLinkAudience: e.REDEEM_LINK_AUDIENCE,
    },
    allowedTenants,
    redemptionCheckSeconds: e.REDEMPTION_CHECK_SECONDS ?? 300,
    approvalReminderHours: e.APPROVAL_REMINDER_HOURS ?? 24,
    lifecycle: {
      reviewDays: e.GUEST_REVIEW_DAYS,
      reviewGraceDays: e.GUEST_REVIEW_GRACE_DAYS,
      expireUnreviewed: e.GUEST_EXPIRE_UNREVIEWED,
      pendingReminderDays: e.PENDING_REMINDER_DAYS,
    },
    bulk: { invitationsPer5s: e.BULK_INVITATIONS_PER_5S ?? 145, inviteConcurrency: e.BULK_INVITE_CONCURRENCY ?? 150 },
    dataDir: e.DATA_DIR ?? './.data',
    storageConnectionString: e.AZURE_STORAGE_CONNECTION_STRING,
    storageAccountUrl: e.AZURE_STORAGE_ACCOUNT_URL,
    logLevel: e.LOG_LEVEL,
    docsBaseUrl: e.DOCS_BASE_URL,
    telemetry: e.APPLICATIONINSIGHTS_CONNECTION_STRING ? { connectionString: e.APPLICATIONINSIGHTS_CONNECTION_STRING } : undefined,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? (e.WEBSITE_HOSTNAME ? `https://${e.WEBSITE_HOSTNAME}` : `http://localhost:${e.PORT ?? 3978}`)).replace(/\/+$/, ''),
  };
}
