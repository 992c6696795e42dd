// Teams-shaped activities for tests, as the channel would post them to /api/messages.
import { randomUUID } from 'node:crypto';
import seed from '../../src/sandbox/seed.json';

export const TENANT_ID = seed.tenant.id;
export const MARKETING_GROUP = seed.groups[0]!.id;
export const NO_GUESTS_GROUP = seed.groups[1]!.id;
export const MARKETING_TEAM = '19:contoso-marketing@thread.tacv2';
export const LEGAL_TEAM = '19:contoso-legal@thread.tacv2';
export const BOT = { id: '28:guest-pass-bot', name: 'Guest Pass' };

// Teams user ids (MRIs) are opaque and unrelated to Entra object ids, as in Teams: code that puts
// an object id where Teams expects an MRI fails here instead of passing by coincidence.
const user = (i: number) => ({
  id: `29:1${Buffer.from(`mri-${seed.users[i]!.displayName}`).toString('base64url')}`,
  name: seed.users[i]!.displayName,
  aadObjectId: seed.users[i]!.id,
});
export const USERS = {
  alexOwner: user(0),
  meganOwner: user(1),
  adeleMember: user(2),
  isaiahNotInTeam: user(3),
  pattiGuest: user(4),
  lynneGuestNotInTeam: user(5),
};
export type TestUser = (typeof USERS)[keyof typeof USERS];

export interface Where {
  serviceUrl: string;
  teamId?: string;
  personal?: boolean;
  groupChat?: boolean;
  tenantId?: string;
}

function base(where: Where, from: TestUser) {
  const tenantId = where.tenantId ?? TENANT_ID;
  const teamId = where.teamId ?? MARKETING_TEAM;
  const conversation = where.personal
    ? { id: `a:personal-${from.aadObjectId}`, conversationType: 'personal', tenantId }
    : where.groupChat
      ? { id: '19:group-chat@thread.v2', conversationType: 'groupChat', tenantId, isGroup: true }
      : { id: `${teamId};messageid=${Date.now()}`, conversationType: 'channel', tenantId, isGroup: true };
  return {
    id: `act-${randomUUID()}`,
    channelId: 'msteams',
    serviceUrl: where.serviceUrl,
    timestamp: new Date().toISOString(),
    locale: 'en-US',
    from,
    recipient: BOT,
    conversation,
    channelData: where.personal || where.groupChat ? { tenant: { id: tenantId } } : { tenant: { id: tenantId }, team: { id: teamId }, channel: { id: teamId } },
  };
}

/** A channel message that @mentions the bot, as Teams sends it (HTML text with an <at> tag). */
export function mentionMessage(where: Where, from: TestUser, command: string) {
  const mention = `<at>${BOT.name}</at>`;
  return {
    ...base(where, from),
    type: 'message',
    text: `${mention} ${command}`,
    textFormat: 'xml',
    entities: [{ type: 'mention', text: mention, mentioned: BOT }],
  };
}

export function personalMessage(where: Omit<Where, 'personal'>, from: TestUser, text: string) {
  return { ...base({ ...where, personal: true }, from), type: 'message', text };
}

/** Action.Execute on a card: an invoke named adaptiveCard/action. */
export function cardAction(where: Where, from: TestUser, verb: string, data: Record<string, unknown>, replyToId = `card-${randomUUID()}`) {
  return {
    ...base(where, from),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data: { verb, ...data } }, trigger: 'manual' },
  };
}

/** Action.Submit from a client without Universal Actions: a message with value and replyToId. */
export function legacySubmit(where: Where, from: TestUser, data: Record<string, unknown>, replyToId = `card-${randomUUID()}`) {
  return { ...base(where, from), type: 'message', replyToId, value: data };
}
