// One invitation budget per tenant: instances sharing a store (Azure Storage) take turns holding
// the tenant-wide "invitation sender" lease, a document with an ETag. Only the holder sends. It
// renews the lease while it has invitations waiting or in flight, and hands it over when idle,
// writing every lane's free-at time (W + margin after its last answer) into the document. The next
// holder starts from those lanes, so the scheduler's proof (pacer.ts) runs across instances: one
// lane still carries at most one arrival per window, whichever instance used it.
//
// A holder that dies cannot hand its lanes over. It only ever sends while its lease has at least
// `guardMs` left (sendUntil), so every request it sent arrived before the lease's expiry (a request
// that takes longer than the guard to reach Graph has timed out long before). A successor that takes
// an expired lease therefore starts every lane at expiry + W + margin.
//
// Times in the document are the writer's clock; `clockSkewMs` is added to every inherited lane
// (instances in one Azure region are NTP-synchronised to milliseconds).
import { ConcurrencyError, type DocumentStore } from '../store';
import { systemClock, type Clock, type SenderLease } from './pacer';

export const SENDER_LEASE_COLLECTION = 'invitationSender';
const KEY = 'tenant';

export interface SenderLeaseDocument {
  /** Who sends; absent when handed over. */
  owner?: string;
  /** Epoch ms when the lease runs out unless renewed. */
  until: number;
  /** Every lane's free-at time (epoch ms, the writer's clock), written at hand-over and renewal. */
  lanes: number[];
  /** The last answer the previous holder received (information; the lanes carry the schedule). */
  lastAnswerAt?: number;
  windowMs: number;
}

export interface StoreSenderLeaseOptions {
  windowMs: number;
  marginMs: number;
  /** Lease length without renewal. */
  leaseMs?: number;
  /** The holder stops sending this long before its lease runs out. */
  guardMs?: number;
  renewEveryMs?: number;
  /** How often a waiting instance reads the document. */
  pollMs?: number;
  clockSkewMs?: number;
  clock?: Clock;
}

export class StoreSenderLease implements SenderLease {
  readonly renewEveryMs: number;
  sendUntil = -Infinity;
  private etag = '';
  private readonly o: Required<Omit<StoreSenderLeaseOptions, 'clock'>>;
  private readonly clock: Clock;

  constructor(
    private readonly store: DocumentStore,
    private readonly instanceId: string,
    options: StoreSenderLeaseOptions,
  ) {
    this.o = { leaseMs: 30_000, guardMs: 15_000, renewEveryMs: 5_000, pollMs: 100, clockSkewMs: 50, ...options };
    this.clock = options.clock ?? systemClock;
    this.renewEveryMs = this.o.renewEveryMs;
  }

  async acquire(signal?: AbortSignal): Promise<{ lanes: number[]; notBefore: number }> {
    for (;;) {
      if (signal?.aborted) throw signal.reason as Error;
      const doc = await this.store.get<SenderLeaseDocument>(SENDER_LEASE_COLLECTION, KEY);
      const now = this.clock.now();
      const held = doc?.value.owner !== undefined && doc.value.owner !== this.instanceId && doc.value.until > now;
      if (held) {
        await this.clock.sleep(this.o.pollMs, signal);
        continue;
      }
      let start: { lanes: number[]; notBefore: number };
      if (!doc) start = { lanes: [], notBefore: -Infinity };
      else if (doc.value.owner === undefined) start = { lanes: doc.value.lanes.map((t) => t + this.o.clockSkewMs), notBefore: -Infinity };
      // Taken over from a holder that did not hand over (it stopped, or lost its store): none of its
      // requests arrived after its expiry.
      else start = { lanes: [], notBefore: doc.value.until + this.o.windowMs + this.o.marginMs + this.o.clockSkewMs };
      const until = now + this.o.leaseMs;
      const value: SenderLeaseDocument = { owner: this.instanceId, until, lanes: doc?.value.lanes ?? [], lastAnswerAt: doc?.value.lastAnswerAt, windowMs: this.o.windowMs };
      try {
        this.etag = await this.store.put(SENDER_LEASE_COLLECTION, KEY, value, doc ? { ifMatch: doc.etag } : { ifNoneMatch: '*' });
      } catch (e) {
        if (e instanceof ConcurrencyError) continue; // someone else took it first
        throw e;
      }
      this.sendUntil = until - this.o.guardMs;
      return start;
    }
  }

  async renew(lanes: number[]): Promise<boolean> {
    const until = this.clock.now() + this.o.leaseMs;
    try {
      this.etag = await this.store.put(SENDER_LEASE_COLLECTION, KEY, { owner: this.instanceId, until, lanes: lanes.map((t) => (Number.isFinite(t) ? t : 0)), windowMs: this.o.windowMs } satisfies SenderLeaseDocument, { ifMatch: this.etag });
    } catch (e) {
      if (e instanceof ConcurrencyError) {
        this.sendUntil = -Infinity;
        return false;
      }
      throw e;
    }
    this.sendUntil = until - this.o.guardMs;
    return true;
  }

  async release(lanes: number[]): Promise<void> {
    this.sendUntil = -Infinity;
    const latest = lanes.reduce((a, b) => Math.max(a, b), -Infinity);
    const lastAnswerAt = Number.isFinite(latest) ? latest - this.o.windowMs - this.o.marginMs : undefined;
    const now = this.clock.now();
    try {
      await this.store.put(SENDER_LEASE_COLLECTION, KEY, { until: now, lanes: lanes.map((t) => (Number.isFinite(t) ? t : 0)), lastAnswerAt, windowMs: this.o.windowMs } satisfies SenderLeaseDocument, { ifMatch: this.etag });
    } catch (e) {
      // Taken over after our lease ran out: the successor already waited for our lanes.
      if (!(e instanceof ConcurrencyError)) throw e;
    }
  }
}
