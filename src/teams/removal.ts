// The Teams face of removing a guest from a team (src/domain/removal.ts): `/remove <email>` and
// the result card's "Remove from team" post a confirmation card; its Confirm and Cancel are
// decided once, by an owner, checked at click time. The bot registers these in its lists.
import { checkEmail } from '../domain/invitation/email';
import { DirectoryError } from '../domain/directory';
import type { Person } from '../domain/team';
import { directoryFailureText } from './reasons';
import { type TeamRef } from '../domain/team';
import { askRemoval, cancelRemoval, confirmRemoval, type DecideAnswer, type NoRemoval, type RemovalDeps } from '../domain/lifecycle/removal';
import type { Texts } from '../text/en';
import type { AdaptiveCard } from './cards';
import { removalConfirmCard, removalStateCard } from './cards/removal';
import { shownAsText } from './shownAsText';

export interface RemovalAnswer {
  /** The clicker's own copy. */
  card?: AdaptiveCard;
  /** Written over the shared card. */
  publicCard?: AdaptiveCard;
  text?: string;
}

export class GuestRemovals {
  constructor(private readonly deps: RemovalDeps) {}

  private refusal(texts: Texts, reason: NoRemoval, email: string): string {
    const r = texts.removal.refusals;
    return reason === 'callerNotOwner' ? r.callerNotOwner : r[reason](shownAsText(email, 'message'));
  }

  private failure(texts: Texts, e: DirectoryError): string {
    return directoryFailureText(texts, e);
  }

  /** `/remove <email>`: a confirmation card in the channel, or why not. */
  async command(texts: Texts, team: TeamRef, caller: Person, rawEmail: string): Promise<RemovalAnswer> {
    const email = checkEmail(rawEmail);
    if (!email.ok) return { text: rawEmail ? texts.fieldErrors[email.code] : texts.removal.usage };
    return this.ask(texts, team, caller, email.value);
  }

  /** The result card's "Remove from team": the confirmation for the clicker alone. */
  async askFromCard(texts: Texts, team: TeamRef, caller: Person, data: Record<string, unknown>): Promise<RemovalAnswer> {
    const email = checkEmail(typeof data.email === 'string' ? data.email : '');
    if (!email.ok) return { text: texts.removal.expired };
    return this.ask(texts, team, caller, email.value);
  }

  private async ask(texts: Texts, team: TeamRef, caller: Person, email: string): Promise<RemovalAnswer> {
    try {
      const answer = await askRemoval(this.deps, team, caller, email);
      if (answer.kind === 'refused') return { text: this.refusal(texts, answer.reason, email) };
      return { card: removalConfirmCard(texts, answer.request) };
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      return { text: this.failure(texts, e) };
    }
  }

  async confirm(texts: Texts, team: TeamRef, caller: Person, data: Record<string, unknown>): Promise<RemovalAnswer> {
    return this.decide(texts, () => confirmRemoval(this.deps, team, caller, idOf(data)));
  }

  async cancel(texts: Texts, team: TeamRef, caller: Person, data: Record<string, unknown>): Promise<RemovalAnswer> {
    return this.decide(texts, () => cancelRemoval(this.deps, team, caller, idOf(data)));
  }

  private async decide(texts: Texts, run: () => Promise<DecideAnswer>): Promise<RemovalAnswer> {
    let answer: DecideAnswer;
    try {
      answer = await run();
    } catch (e) {
      if (!(e instanceof DirectoryError)) throw e;
      // The shared card stays as it was: an owner can press Confirm again.
      return { text: this.failure(texts, e) };
    }
    switch (answer.kind) {
      case 'expired':
        return { text: texts.removal.expired };
      case 'refused':
        // Private answer; the shared card keeps its buttons for the owners.
        return { text: answer.reason === 'callerNotOwner' ? texts.removal.refusals.callerNotOwner : texts.removal.stillGuestOnly };
      case 'alreadyDecided':
        return { card: removalStateCard(texts, answer.request) };
      case 'done': {
        const card = removalStateCard(texts, answer.request);
        return { card, publicCard: card };
      }
    }
  }
}

const idOf = (data: Record<string, unknown>): string => (typeof data.removalId === 'string' ? data.removalId : '');
