// Invitation throttling: 150 requests per 5 s per tenant (all apps together). Modelled as a
// sliding window over arrivals in which throttled requests count too (the assumption in
// REFERENCE.md): a client that retries its 429s outside its own pacing keeps the window full,
// which is exactly the livelock the bot's pacer must avoid.

export class SlidingWindow {
  private arrivals: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Records an arrival; returns undefined when allowed, else the Retry-After in seconds. */
  arrive(now = Date.now()): number | undefined {
    const cutoff = now - this.windowMs;
    while (this.arrivals.length > 0 && (this.arrivals[0] as number) <= cutoff) this.arrivals.shift();
    this.arrivals.push(now);
    if (this.arrivals.length <= this.limit) return undefined;
    // The next request fits once all but (limit - 1) of the current arrivals have aged out.
    const mustExpire = this.arrivals[this.arrivals.length - this.limit] as number;
    return Math.max(1, Math.ceil((mustExpire + this.windowMs - now) / 1000));
  }

  reset(): void {
    this.arrivals = [];
  }
}
