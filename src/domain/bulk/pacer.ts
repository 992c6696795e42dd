// Schedules invitation requests against Graph's invitation limit (150 per 5 s per tenant, all apps
// together, throttled requests counting too): REFERENCE.md, "Throttling".
//
// The schedule is answer-based. There are L lanes (L = the limit). A request takes a lane for its
// whole life, from the moment it is sent until its ANSWER arrives (success, 429, error, or the
// moment the caller gives up on it); the lane is then free again W + margin after that answer. The
// first L go out at once; request j goes out W + margin after the answer that freed its lane (with
// answers in order, the answer to request j − L).
//
// Why no window of length W can ever hold more than L arrivals, whether Graph counts a sliding or a
// fixed window and whatever the network does: a request arrives at Graph after it was sent and
// before its answer comes back. Two requests on one lane, k before k', have
// arrival(k') ≥ send(k') ≥ answer(k) + W + margin > arrival(k) + W, so one lane holds at most one
// arrival in any W-long interval, and L lanes hold at most L. No clock is compared with Graph's.
// It is also as fast as the limit allows: a lane is idle only for W + margin after each answer.
//
// A 429 (someone else used the tenant's budget) pauses everyone for its Retry-After: no lane is
// used before then, and the throttled attempt itself keeps its lane for W like any arrival. A
// throttled attempt is retried ahead of first attempts, so each round lets the oldest work through
// and nothing starves. Our own traffic alone never fills a window, so a burst of 429s cannot feed
// itself (no livelock): every round at least the requests Graph accepts make progress.
//
// One scheduler per process, shared by every job. With a SenderLease (instances sharing a store),
// only the holder of the tenant-wide lease sends, and the lanes' free-at times travel with the
// lease to the next holder, so the proof above holds across instances (src/domain/bulk/senderLease.ts).

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when it is aborted first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface PacerLimits {
  /** L: requests allowed per window (Graph: 150 per tenant, all apps together). */
  requestsPerWindow: number;
  /** W: the window (Graph: 5 s). */
  windowMs: number;
}

/**
 * 145 of Graph's 150: the schedule is exact, so this is not for jitter but for everyone else in the
 * tenant (a single /invite, other apps) during a bulk. For 1,000 invitations it costs nothing:
 * ceil(1000/145) = ceil(1000/150) = 7 windows. BULK_INVITATIONS_PER_5S sets it (up to 150).
 */
export const DEFAULT_INVITATION_LIMITS: PacerLimits = { requestsPerWindow: 145, windowMs: 5000 };

/** Added to W after each answer: timer granularity and Graph's own clock resolution. */
export const DEFAULT_MARGIN_MS = 30;

/** One request's right to be sent. Complete it when the answer arrives or the attempt is given up. */
export interface SendTicket {
  /** Frees the lane W + margin from now. Idempotent; call it for every outcome (use `finally`). */
  done(): void;
}

/**
 * The tenant-wide right to send (one holder at a time), and the lanes' free-at times that travel
 * with it. Implemented over the DocumentStore in senderLease.ts.
 */
export interface SenderLease {
  /**
   * Waits until this instance holds the lease; resolves with the lanes' free-at times to start from
   * (missing lanes are free) and a time before which no lane may be used (after a takeover).
   */
  acquire(signal?: AbortSignal): Promise<{ lanes: number[]; notBefore: number }>;
  /** Extends the lease; false when another instance holds it now (stop sending at once). Throws when the store fails. */
  renew(lanes: number[]): Promise<boolean>;
  /** Hands the lease over, with every lane's free-at time (nothing in flight). */
  release(lanes: number[]): Promise<void>;
  /** Until when this holder may send, on this process's clock (the last renewal's expiry minus a guard). */
  readonly sendUntil: number;
  /** How often to renew while holding. */
  readonly renewEveryMs: number;
}

export interface PacerOptions {
  marginMs?: number;
  lease?: SenderLease;
  /** With a lease: how long the scheduler stays idle before handing the lease over. */
  releaseAfterIdleMs?: number;
  /** Where failures of the lease are reported. */
  onLeaseError?: (e: unknown) => void;
}

interface Waiter {
  resolve(ticket: SendTicket): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

type LeaseState = 'none' | 'released' | 'acquiring' | 'holding' | 'releasing';

export class RequestPacer {
  readonly marginMs: number;
  /** Free lanes: the time each may be used again. Lanes in flight are counted in `inFlight`. */
  private free: number[];
  private inFlight = 0;
  /** Tickets of an older tenure (before the lease was lost) free no lane of the current one. */
  private tenure = 0;
  private pausedUntil = 0;
  private readonly retries: Waiter[] = [];
  private readonly firsts: Waiter[] = [];
  private wakeAt = Infinity;
  private slotsTaken = 0;
  private pauses = 0;
  private leaseState: LeaseState;
  private renewing = false;
  private idleTimer = false;
  private lastRenewal = 0;
  private readonly lease?: SenderLease;

  constructor(
    readonly limits: PacerLimits = DEFAULT_INVITATION_LIMITS,
    private readonly clock: Clock = systemClock,
    private readonly options: PacerOptions = {},
  ) {
    if (!(Number.isInteger(limits.requestsPerWindow) && limits.requestsPerWindow >= 1) || !(limits.windowMs > 0)) throw new Error('pacer limits must be positive');
    this.marginMs = options.marginMs ?? DEFAULT_MARGIN_MS;
    this.lease = options.lease;
    this.leaseState = this.lease ? 'released' : 'none';
    this.free = this.lease ? [] : Array.from({ length: limits.requestsPerWindow }, () => -Infinity);
  }

  /**
   * Waits for a lane and returns its ticket; send right away, then complete the ticket when the
   * answer arrives. First attempts are served in arrival order; `retry` (an attempt after a 429 or
   * a busy answer) goes ahead of them.
   */
  acquire(signal?: AbortSignal, options: { retry?: boolean } = {}): Promise<SendTicket> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<SendTicket>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          for (const queue of [this.retries, this.firsts]) {
            const i = queue.indexOf(waiter);
            if (i >= 0) queue.splice(i, 1);
          }
          reject(signal.reason as Error);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      (options.retry ? this.retries : this.firsts).push(waiter);
      this.pump();
    });
  }

  /** Graph said "wait" (a 429's Retry-After): no lane is used before then. */
  pause(ms: number): void {
    const until = this.clock.now() + Math.max(0, ms);
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauses++;
    }
    this.pump();
  }

  stats(): { slotsTaken: number; pauses: number; inFlight: number; waiting: number; holdsLease: boolean } {
    return {
      slotsTaken: this.slotsTaken,
      pauses: this.pauses,
      inFlight: this.inFlight,
      waiting: this.retries.length + this.firsts.length,
      holdsLease: this.leaseState === 'holding',
    };
  }

  /** Every lane's next free time, re-based on a pause (what a lease hands over). */
  private lanes(): number[] {
    return this.free.map((t) => Math.max(t, this.pausedUntil));
  }

  private get waiting(): number {
    return this.retries.length + this.firsts.length;
  }

  /** Serves waiters while a lane is free now; otherwise arranges to be called again when one is. */
  private pump(): void {
    // Renewed while anything waits or is in flight: a request not yet answered still holds its lane.
    if (this.leaseState === 'holding' && (this.waiting > 0 || this.inFlight > 0)) this.maybeRenew(this.clock.now());
    if (this.waiting === 0) return this.maybeRelease();
    if (this.leaseState === 'released') return void this.takeLease();
    if (this.leaseState === 'acquiring' || this.leaseState === 'releasing') return;
    for (;;) {
      if (this.waiting === 0) return this.maybeRelease();
      const now = this.clock.now();
      if (this.leaseState === 'holding') {
        // Renewals failing (the store is down): stop sending before the lease could run out.
        if (now >= (this.lease as SenderLease).sendUntil) return this.wakeIn((this.lease as SenderLease).renewEveryMs);
      }
      if (this.free.length === 0) return; // a ticket's done() calls again
      let earliest = 0;
      for (let i = 1; i < this.free.length; i++) if ((this.free[i] as number) < (this.free[earliest] as number)) earliest = i;
      const at = Math.max(this.free[earliest] as number, this.pausedUntil);
      if (at > now) return this.wakeIn(at - now);
      this.free.splice(earliest, 1);
      const waiter = (this.retries.shift() ?? this.firsts.shift()) as Waiter;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.inFlight++;
      this.slotsTaken++;
      waiter.resolve(this.ticket());
    }
  }

  private ticket(): SendTicket {
    const tenure = this.tenure;
    let done = false;
    return {
      done: () => {
        if (done) return;
        done = true;
        if (tenure !== this.tenure) return;
        this.inFlight--;
        this.free.push(this.clock.now() + this.limits.windowMs + this.marginMs);
        this.pump();
      },
    };
  }

  private wakeIn(ms: number): void {
    const at = this.clock.now() + ms;
    if (at >= this.wakeAt) return;
    this.wakeAt = at;
    void this.clock.sleep(ms).then(() => {
      if (this.wakeAt === at) this.wakeAt = Infinity;
      this.pump();
    });
  }

  // ---- the tenant-wide lease (instances sharing a store) -----------------------------------------

  private takeLease(): void {
    const lease = this.lease as SenderLease;
    this.leaseState = 'acquiring';
    void lease.acquire().then(
      ({ lanes, notBefore }) => {
        const l = this.limits.requestsPerWindow;
        // Keep the L latest lanes (a holder with a larger L may have written more), fill up with free ones.
        const kept = [...lanes].sort((a, b) => b - a).slice(0, l);
        while (kept.length < l) kept.push(-Infinity);
        for (let i = 0; i < l; i++) kept[i] = Math.max(kept[i] as number, notBefore);
        this.tenure++;
        this.free = kept;
        this.inFlight = 0;
        this.leaseState = 'holding';
        this.lastRenewal = this.clock.now();
        this.pump();
      },
      (e: unknown) => {
        this.options.onLeaseError?.(e);
        this.leaseState = 'released';
        void this.clock.sleep(lease.renewEveryMs).then(() => this.pump());
      },
    );
  }

  private maybeRenew(now: number): void {
    const lease = this.lease as SenderLease;
    if (this.renewing) return;
    if (now - this.lastRenewal < lease.renewEveryMs) return this.wakeIn(this.lastRenewal + lease.renewEveryMs - now);
    this.renewing = true;
    this.lastRenewal = now;
    void lease
      .renew(this.lanes())
      .then(
        (mine) => {
          if (mine || this.leaseState !== 'holding') return;
          // Someone else holds it now: our lanes are void (they waited out our lease), start over.
          this.options.onLeaseError?.(new Error('invitation sender lease lost'));
          this.tenure++;
          this.free = [];
          this.inFlight = 0;
          this.leaseState = 'released';
        },
        (e: unknown) => this.options.onLeaseError?.(e),
      )
      .finally(() => {
        this.renewing = false;
        this.pump();
      });
    // While a job waits between windows nobody calls pump(): keep renewing.
    this.wakeIn(lease.renewEveryMs);
  }

  /** Idle (nobody waiting, nothing in flight) for a while: hand the lease and the lanes over. */
  private maybeRelease(): void {
    if (this.leaseState !== 'holding' || this.inFlight > 0 || this.idleTimer) return;
    this.idleTimer = true;
    void this.clock.sleep(this.options.releaseAfterIdleMs ?? 200).then(() => {
      this.idleTimer = false;
      if (this.leaseState !== 'holding' || this.inFlight > 0) return;
      if (this.waiting > 0) return this.pump();
      this.leaseState = 'releasing';
      void (this.lease as SenderLease)
        .release(this.lanes())
        .catch((e: unknown) => this.options.onLeaseError?.(e))
        .finally(() => {
          this.tenure++;
          this.free = [];
          this.leaseState = 'released';
          this.pump();
        });
    });
  }
}
