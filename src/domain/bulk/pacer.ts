// Paces invitation requests against Graph's published limit (150 per 5 s per tenant), so bulk jobs
// are scheduled against the limit rather than against 429s. One pacer per process, shared by every
// job. Every attempt, retries included, takes a slot: Graph counts throttled requests too, and a
// client that retries its 429s outside its own pacing keeps the window full (REFERENCE.md,
// "Throttling"). Slots are spread evenly, a little under the limit; a 429's Retry-After pauses all.

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
  /** Requests allowed per window; keep it a little under Graph's 150 for jitter in transit. */
  requestsPerWindow: number;
  windowMs: number;
}

/** Graph's invitation limit is 150 per 5 s; 145 leaves room for arrival jitter. */
export const DEFAULT_INVITATION_LIMITS: PacerLimits = { requestsPerWindow: 145, windowMs: 5000 };

export class RequestPacer {
  /** Spacing between two slots, rounded up to the microsecond so float sums never squeeze an extra slot in. */
  readonly intervalMs: number;
  private nextSlot = 0;
  private pausedUntil = 0;
  private slotsTaken = 0;
  private pauses = 0;

  constructor(
    readonly limits: PacerLimits = DEFAULT_INVITATION_LIMITS,
    private readonly clock: Clock = systemClock,
  ) {
    if (!(limits.requestsPerWindow >= 1) || !(limits.windowMs > 0)) throw new Error('pacer limits must be positive');
    this.intervalMs = Math.ceil((limits.windowMs * 1000) / limits.requestsPerWindow) / 1000;
  }

  /**
   * Waits for the caller's turn to send one request. Callers are served in arrival order; a pause
   * ordered while someone waits (a 429) sends them back behind it.
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw signal.reason as Error;
      const now = this.clock.now();
      const slot = Math.max(now, this.nextSlot, this.pausedUntil);
      this.nextSlot = slot + this.intervalMs;
      if (slot > now) await this.clock.sleep(slot - now, signal);
      if (this.clock.now() >= this.pausedUntil) {
        this.slotsTaken++;
        return;
      }
    }
  }

  /** Graph said "wait" (Retry-After): nobody sends before then, and sending resumes at the paced rate. */
  pause(ms: number): void {
    const until = this.clock.now() + Math.max(0, ms);
    if (until > this.pausedUntil) {
      this.pausedUntil = until;
      this.pauses++;
    }
    this.nextSlot = Math.max(this.nextSlot, this.pausedUntil);
  }

  stats(): { slotsTaken: number; pauses: number } {
    return { slotsTaken: this.slotsTaken, pauses: this.pauses };
  }
}
