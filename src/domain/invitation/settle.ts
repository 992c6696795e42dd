// The end of an invitation: its outcome recorded (retried; left in the claim for background work
// when the store will not take it), the claim released, and the cards that waited for it updated.
import type { CardRef } from '../team';
import type { InviteDeps, Step } from './deps';
import { progress } from './deps';
import { LostClaimError, type IntentClaim, type InviteIntent } from './intents';
import type { InvitationOutcome } from './outcome';
import { recordInvitation } from './recorder';
import { withCard } from './records';

export async function withRetries<T>(deps: InviteDeps, work: () => Promise<T>): Promise<T> {
  const waits = deps.storeRetryMs ?? [200, 1000, 3000];
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      const wait = waits[attempt];
      if (wait === undefined) throw e;
      deps.log?.('warn', 'store write failed; retrying', { err: e instanceof Error ? e.message : String(e), attempt });
      await deps.sleep(wait);
    }
  }
}

/**
 * Records the outcome and removes the claim. A record that cannot be written even after retries
 * stays in the claim (phase 'recording') and background work writes it once the lease ends.
 */
export async function settle(deps: InviteDeps, claim: IntentClaim, step: Step): Promise<InvitationOutcome> {
  const { outcome } = step;
  const intent = claim.intent;
  if (step.unconfirmed) {
    await withRetries(deps, () => record(deps, intent, outcome, deps.now().toISOString(), `${intent.id ?? ''}-unconfirmed`)).catch(() => undefined);
    await claim.handOver({ unconfirmed: true });
    return outcome;
  }
  const recordedAt = intent.recordedAt ?? deps.now().toISOString();
  await progress(deps, claim, { phase: 'recording', outcome, recordedAt, unconfirmed: false });
  try {
    await withRetries(deps, () => record(deps, claim.intent, outcome, recordedAt, claim.intent.id));
  } catch (e) {
    deps.log?.('error', 'invitation not recorded; background work records it', { err: e instanceof Error ? e.message : String(e), groupId: intent.team.groupId });
    await claim.handOver({ phase: 'recording', outcome, recordedAt }).catch(() => undefined);
    return outcome;
  }
  if (deps.intents) {
    await deps.intents
      .remember(intent.team.groupId, intent.request.email, { origin: intent.request.origin, resend: !!intent.request.resend, outcome, finishedAt: deps.now().toISOString() })
      .catch(() => undefined);
  }
  const cards = await claim.release().catch((e: unknown) => {
    if (e instanceof LostClaimError) return [] as CardRef[];
    deps.log?.('warn', 'finished invitation claim not removed; background work removes it', { err: e instanceof Error ? e.message : String(e) });
    return [] as CardRef[];
  });
  if (cards.length > 0) await notifyCards(deps, claim.intent, outcome, cards);
  return outcome;
}

/** Brings the cards that waited for this invitation (a working card, a duplicate's card) up to date. */
async function notifyCards(deps: InviteDeps, intent: InviteIntent, outcome: InvitationOutcome, cards: CardRef[]): Promise<void> {
  try {
    const withCards = outcome.userId ? await deps.records.update(intent.team.groupId, intent.request.email, (r) => cards.reduce(withCard, r)) : undefined;
    if (withCards) await deps.notifier?.invitationChanged(withCards);
    else await deps.notifier?.invitationSettled(intent.team, outcome, cards, intent.caller);
  } catch (e) {
    deps.log?.('warn', 'waiting cards not updated', { err: e instanceof Error ? e.message : String(e) });
  }
}

export function record(deps: InviteDeps, intent: Pick<InviteIntent, 'team' | 'caller' | 'request' | 'cards'>, outcome: InvitationOutcome, now: string, auditId?: string) {
  const { team, caller, request } = intent;
  return recordInvitation(
    deps,
    {
      team,
      actor: caller,
      action: request.resend ? 'resend' : 'invite',
      email: request.email,
      displayName: outcome.displayName,
      kind: outcome.kind,
      userId: outcome.userId,
      invitationId: outcome.invitationId,
      redeemUrl: outcome.redeemUrl,
      state: outcome.state,
      emailSent: outcome.emailSent,
      refusal: outcome.refusal,
      failure: outcome.failure,
      graphCode: outcome.trace?.graphCode,
      requestId: outcome.trace?.requestId,
      cards: intent.cards,
    },
    now,
    auditId,
  );
}
