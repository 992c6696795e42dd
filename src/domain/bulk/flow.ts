// Small building blocks for the bulk pipeline: a queue between stages that knows when its producers
// are done, and a counting semaphore to bound concurrency.

/** A queue between two stages; closed when its last producer says it is done. */
export class Stage<T> {
  private readonly items: T[] = [];
  private waiters: (() => void)[] = [];

  constructor(private producers = 1) {}

  get finished(): boolean {
    return this.producers === 0 && this.items.length === 0;
  }

  push(item: T): void {
    this.items.push(item);
    this.wake();
  }

  /** Another producer (e.g. a delayed retry) will push; call done() when it has. */
  join(): void {
    this.producers++;
  }

  done(): void {
    this.producers = Math.max(0, this.producers - 1);
    this.wake();
  }

  /**
   * Takes up to `max` items: waits for at least one, then up to `lingerMs` more for a fuller batch
   * (unless no producer is left). Empty when every producer is done and nothing is left, or on abort.
   */
  async take(max: number, lingerMs: number, sleep: (ms: number) => Promise<void>, signal?: AbortSignal): Promise<T[]> {
    while (this.items.length === 0 && this.producers > 0 && !signal?.aborted) await this.changed(signal);
    if (signal?.aborted) return [];
    if (lingerMs > 0 && this.items.length < max && this.producers > 0) {
      let lingered = false;
      const timer = sleep(lingerMs).then(() => (lingered = true));
      while (!lingered && this.items.length < max && this.producers > 0 && !signal?.aborted) {
        await Promise.race([this.changed(signal), timer]);
      }
    }
    return this.items.splice(0, max);
  }

  private changed(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.waiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w());
  }
}

export class Semaphore {
  private waiters: (() => void)[] = [];

  constructor(private available: number) {}

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.available++;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `work` over every item, at most `concurrency` at a time. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}
