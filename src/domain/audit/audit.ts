// The audit log: every request, approval, invitation, add, refusal and failure, with who, what,
// when and Graph's request-id. Append-only; read per team for the CSV export.
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, type DocumentStore } from '../store';
import type { Person, TeamRef } from '../team';

export type AuditAction =
  | 'invite'
  | 'resend'
  | 'request'
  | 'approve'
  | 'decline'
  | 'add'
  | 'refuse'
  | 'redeem'
  | 'export'
  // The guest lifecycle: a review fell due, was kept, the guest removed (Remove now), expired
  // (unanswered), a reminder sent (review or pending guest), a pending guest withdrawn.
  | 'review'
  | 'keep'
  | 'remove'
  | 'expire'
  | 'remind'
  | 'withdraw';

export interface AuditEntry {
  at: string;
  groupId: string;
  teamId: string;
  actor: Person;
  action: AuditAction;
  subject: string;
  outcome: string;
  reason?: string;
  userId?: string;
  invitationId?: string;
  graphCode?: string;
  requestId?: string;
}

const COLLECTION = 'audit';

export class AuditLog {
  constructor(private readonly store: DocumentStore) {}

  /**
   * @param id names the entry, so writing it again (a retry after a failed write) keeps one copy.
   */
  async append(entry: AuditEntry, id?: string): Promise<void> {
    // Time-ordered keys within a team, so the export reads in order without sorting the world.
    try {
      await this.store.put(COLLECTION, `${entry.groupId}|${entry.at}|${id ?? randomUUID()}`, entry, { ifNoneMatch: '*' });
    } catch (e) {
      if (!(id && e instanceof ConcurrencyError)) throw e;
    }
  }

  async forGroup(groupId: string): Promise<AuditEntry[]> {
    return (await this.store.list<AuditEntry>(COLLECTION, `${groupId}|`)).map((d) => d.value);
  }
}

/** An action someone took in a team, as the audit log keeps it (now, by whom, in which team). */
export async function auditAction(
  deps: { audit: AuditLog; now: () => Date },
  team: Pick<TeamRef, 'groupId' | 'teamId'>,
  actor: Person,
  entry: Pick<AuditEntry, 'action' | 'subject' | 'outcome'> & Partial<AuditEntry>,
): Promise<void> {
  await deps.audit.append({ at: deps.now().toISOString(), groupId: team.groupId, teamId: team.teamId, actor, ...entry });
}
