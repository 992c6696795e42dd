// Write-ahead for single invitations: the intent is stored before Graph is asked to change
// anything and removed once the outcome is recorded. An intent still there later means the
// process died in between (perhaps after Graph created the guest); background work finishes it.
import type { InviteRequest, TeamRef } from './invite';
import type { Person } from './invitationRecords';
import type { DocumentStore } from './store';

export interface InviteIntent {
  team: TeamRef;
  caller: Person;
  request: InviteRequest;
  startedAt: string;
}

const COLLECTION = 'inviteIntents';
const keyOf = (groupId: string, email: string) => `${groupId}|${email.toLowerCase()}`;

export class InviteIntents {
  constructor(
    private readonly store: DocumentStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async begin(team: TeamRef, caller: Person, request: InviteRequest): Promise<void> {
    await this.store.put<InviteIntent>(COLLECTION, keyOf(team.groupId, request.email), { team, caller, request, startedAt: this.now().toISOString() });
  }

  async end(groupId: string, email: string): Promise<void> {
    await this.store.delete(COLLECTION, keyOf(groupId, email));
  }

  /** Intents older than `ageMs`: their turn is long over, so the process that held them died. */
  async interrupted(ageMs: number): Promise<{ intent: InviteIntent; etag: string }[]> {
    const cutoff = new Date(this.now().getTime() - ageMs).toISOString();
    return (await this.store.list<InviteIntent>(COLLECTION)).filter((d) => d.value.startedAt <= cutoff).map((d) => ({ intent: d.value, etag: d.etag }));
  }

  /** Claims an interrupted intent for one attempt (ETag), so overlapping workers do not both run it. */
  async claim(item: { intent: InviteIntent; etag: string }): Promise<boolean> {
    try {
      await this.store.put<InviteIntent>(COLLECTION, keyOf(item.intent.team.groupId, item.intent.request.email), { ...item.intent, startedAt: this.now().toISOString() }, { ifMatch: item.etag });
      return true;
    } catch (e) {
      if (e instanceof Error && e.name === 'ConcurrencyError') return false;
      throw e;
    }
  }
}
