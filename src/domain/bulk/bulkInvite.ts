// Bulk invitation, the use cases around the runner: preview (check the list, store the job),
// confirm (the owner said go: the job becomes runnable, once), cancel. Who may run one (bulkRefusal)
// is asked by the surface before preview and again before confirm, from the caller's identity and
// the directory, never from card data.
import type { AuditLog } from '../audit/audit';
import type { InviteLine } from '../commands';
import { checkMessage } from '../invitation/email';
import type { FieldErrorCode } from '../errors';
import type { Person } from '../team';
import type { TeamRef } from '../team';
import { inviteRight, type DomainRules, type InvitePolicy } from '../policy';
import type { RefusalCode } from '../errors';
import type { TeamRoles } from '../roles';
import { MAX_BULK_LINES, newBulkJob, type BulkJob, type BulkJobHeader, type BulkJobs } from './bulkJob';

export interface BulkUseCaseDeps {
  jobs: BulkJobs;
  audit: AuditLog;
  rules: DomainRules;
  now: () => Date;
}

/**
 * Why this caller may not run a bulk invitation in this team, or undefined when they may: only
 * people who may invite directly (under the approval policy a member's list would be a pile of
 * requests). `fresh` re-reads the role from the directory (at confirm).
 */
export async function bulkRefusal(
  deps: { roles: Pick<TeamRoles, 'roleOf'>; invitePolicy: InvitePolicy },
  team: TeamRef,
  caller: Person,
  fresh: boolean,
): Promise<RefusalCode | undefined> {
  const right = inviteRight(await deps.roles.roleOf(team.groupId, caller.id, { fresh }), deps.invitePolicy);
  if (right.kind === 'invite') return undefined;
  return right.kind === 'refuse' ? right.code : 'callerNotOwner';
}

export type PreviewResult =
  | { kind: 'preview'; job: BulkJob }
  | { kind: 'tooManyLines'; lines: number; max: number }
  /** The personal message breaks the rule a single invitation follows (checkMessage): nothing is stored. */
  | { kind: 'invalidMessage'; code: FieldErrorCode };

export async function previewBulk(
  deps: BulkUseCaseDeps,
  input: { team: TeamRef; caller: Person; lines: readonly InviteLine[]; sendEmail: boolean; message?: string; locale?: string },
): Promise<PreviewResult> {
  if (input.lines.length > MAX_BULK_LINES) return { kind: 'tooManyLines', lines: input.lines.length, max: MAX_BULK_LINES };
  const message = checkMessage(input.message);
  if (!message.ok) return { kind: 'invalidMessage', code: message.code };
  const job = newBulkJob({
    team: input.team,
    requestedBy: input.caller,
    lines: input.lines,
    rules: deps.rules,
    sendEmail: input.sendEmail,
    message: message.value,
    locale: input.locale,
    now: deps.now(),
  });
  await deps.jobs.create(job);
  return { kind: 'preview', job };
}

export type ConfirmResult =
  | { kind: 'confirmed'; header: BulkJobHeader }
  /** Confirmed before (a second click, another owner): nothing new happens. */
  | { kind: 'alreadyConfirmed'; header: BulkJobHeader }
  | { kind: 'cancelled'; header: BulkJobHeader }
  | { kind: 'notFound' };

/**
 * Makes a previewed job runnable, exactly once (ETag), recording who confirmed it and where its
 * progress card lives. The lines set aside at preview are audited here, with the decision.
 */
export async function confirmBulk(
  deps: BulkUseCaseDeps,
  team: TeamRef,
  caller: Person,
  jobId: string,
  card?: BulkJobHeader['card'],
): Promise<ConfirmResult> {
  const at = deps.now().toISOString();
  const updated = await deps.jobs.updateHeader(jobId, (h) =>
    h.state === 'preview' && h.team.groupId === team.groupId
      ? { ...h, state: 'running', confirmedBy: caller, confirmedAt: at, updatedAt: at, card: card ?? h.card }
      : undefined,
  );
  // A job of another team, or a preview being deleted by retention, is a job that does not exist.
  if (!updated || updated.header.team.groupId !== team.groupId || updated.header.state === 'expired') return { kind: 'notFound' };
  const { header } = updated;
  if (!updated.changed) return header.state === 'cancelled' ? { kind: 'cancelled', header } : { kind: 'alreadyConfirmed', header };
  for (const line of header.skipped) {
    if (line.reason === 'duplicate') continue; // counted once, under its first line
    await deps.audit.append({
      at,
      groupId: header.team.groupId,
      teamId: header.team.teamId,
      actor: caller,
      action: 'refuse',
      subject: line.raw,
      outcome: 'invalid',
      reason: line.reason,
    });
  }
  return { kind: 'confirmed', header };
}

export async function cancelBulk(deps: BulkUseCaseDeps, team: TeamRef, jobId: string, by?: Person): Promise<ConfirmResult> {
  const at = deps.now().toISOString();
  const updated = await deps.jobs.updateHeader(jobId, (h) =>
    h.state === 'preview' && h.team.groupId === team.groupId ? { ...h, state: 'cancelled', updatedAt: at, cancelledAt: at, cancelledBy: by } : undefined,
  );
  if (!updated || updated.header.team.groupId !== team.groupId || updated.header.state === 'expired') return { kind: 'notFound' };
  const { header } = updated;
  if (header.state === 'cancelled') return { kind: 'cancelled', header };
  return { kind: 'alreadyConfirmed', header };
}
