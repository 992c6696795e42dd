// Group adds that could not finish in the turn (a new guest still replicating, Graph throttling,
// failing or not answering for a while): stored, so they survive a restart, and retried with
// backoff by the background job until the add is done or permanently refused.
import { ConcurrencyError, type DocumentStore } from '../store';

export interface PendingAdd {
  groupId: string;
  teamId: string;
  userId: string;
  email: string;
  /** What the record says once the add is done (absent in older items: 'invited'). */
  doneKind?: 'invited' | 'reinvited' | 'added';
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
}

const COLLECTION = 'pendingAdds';
const keyOf = (groupId: string, userId: string) => `${groupId}|${userId}`;

export class PendingAdds {
  constructor(
    private readonly store: DocumentStore,
    private readonly now: () => Date = () => new Date(),
    /** 0: the next background cycle tries it (REDEMPTION_CHECK_SECONDS sets how soon). */
    private readonly firstRetryMs = 0,
  ) {}

  async enqueue(add: Pick<PendingAdd, 'groupId' | 'teamId' | 'userId' | 'email' | 'doneKind'>): Promise<void> {
    const now = this.now();
    await this.store.put(COLLECTION, keyOf(add.groupId, add.userId), {
      ...add,
      attempts: 0,
      createdAt: now.toISOString(),
      nextAttemptAt: new Date(now.getTime() + this.firstRetryMs).toISOString(),
    } satisfies PendingAdd);
  }

  async due(): Promise<{ add: PendingAdd; etag: string }[]> {
    const now = this.now().toISOString();
    return (await this.store.list<PendingAdd>(COLLECTION)).filter((d) => d.value.nextAttemptAt <= now).map((d) => ({ add: d.value, etag: d.etag }));
  }

  async all(): Promise<PendingAdd[]> {
    return (await this.store.list<PendingAdd>(COLLECTION)).map((d) => d.value);
  }

  /** Claims the item for one attempt (pushes its next attempt out); false if another instance got it first. */
  async claim(item: { add: PendingAdd; etag: string }, backoffMs: number): Promise<boolean> {
    const next: PendingAdd = {
      ...item.add,
      attempts: item.add.attempts + 1,
      nextAttemptAt: new Date(this.now().getTime() + backoffMs).toISOString(),
    };
    try {
      await this.store.put(COLLECTION, keyOf(next.groupId, next.userId), next, { ifMatch: item.etag });
      return true;
    } catch (e) {
      if (e instanceof ConcurrencyError) return false;
      throw e;
    }
  }

  async complete(add: PendingAdd): Promise<void> {
    await this.store.delete(COLLECTION, keyOf(add.groupId, add.userId));
  }
}
