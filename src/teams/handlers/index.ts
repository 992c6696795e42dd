// The one table of handlers: every command and every card verb Guest Pass answers, each in its
// own module. Adding a command touches its handler, this table, the text catalogue and the
// manifest, and nothing else.
import type { Command } from '../../domain/commands';
import type { Verb } from '../verbs';
import { approveVerb, declineVerb, refreshRequestVerb, requestsCommand, requestsViewVerb } from './approvals';
import { auditCommand, auditViewVerb } from './audit';
import { bulkResultsCsvVerb, cancelBulkVerb, confirmBulkVerb, showBulkResultsVerb } from './bulk';
import { guestsCommand, guestsViewVerb, statusCommand } from './guests';
import type { CommandHandler, VerbHandler } from './handler';
import { helpCommand, tooLongCommand, unknownCommand } from './help';
import { inviteCardCommand, inviteCommand, inviteVerb } from './invite';
import { confirmResendVerb, refreshInvitationVerb, resendVerb, showRedeemLinkVerb } from './invitationCard';
import { keepVerb, removeVerb, reviewViewVerb, withdrawVerb } from './lifecycle';
import { askRemovalVerb, cancelRemovalVerb, confirmRemovalVerb, removeCommand } from './removal';

export const COMMANDS = [
  inviteCommand,
  inviteCardCommand,
  statusCommand,
  guestsCommand,
  requestsCommand,
  auditCommand,
  removeCommand,
  helpCommand,
  unknownCommand,
  tooLongCommand,
] as const;

export const VERB_HANDLERS: readonly VerbHandler[] = [
  inviteVerb,
  showRedeemLinkVerb,
  refreshInvitationVerb,
  confirmResendVerb,
  resendVerb,
  refreshRequestVerb,
  approveVerb,
  declineVerb,
  requestsViewVerb,
  guestsViewVerb,
  auditViewVerb,
  reviewViewVerb,
  keepVerb,
  removeVerb,
  withdrawVerb,
  confirmBulkVerb,
  cancelBulkVerb,
  showBulkResultsVerb,
  bulkResultsCsvVerb,
  askRemovalVerb,
  confirmRemovalVerb,
  cancelRemovalVerb,
];

// A command kind without its handler fails the typecheck here.
type Unhandled = Exclude<Command['kind'], (typeof COMMANDS)[number]['name']>;
const everyCommandHandled: [Unhandled] extends [never] ? true : Unhandled = true;
void everyCommandHandled;

/** The handler of each command kind. */
export function commandTable(): Map<Command['kind'], CommandHandler> {
  return new Map(COMMANDS.map((h) => [h.name, h as unknown as CommandHandler]));
}

/** The handler of each verb; a verb registered twice is a programming error, found at start. */
export function verbTable(): Map<Verb, VerbHandler> {
  const table = new Map<Verb, VerbHandler>();
  for (const h of VERB_HANDLERS) {
    if (table.has(h.name)) throw new Error(`card verb ${h.name} has two handlers`);
    table.set(h.name, h);
  }
  return table;
}
