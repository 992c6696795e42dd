// A bulk job's lease and storage: claimed once (ETag), its progress stored in chunks at every
// checkpoint (which renews the lease), and reported to the listener. Taken over by another process
// (a lost ETag race): the run stops without touching the job again.
import { ConcurrencyError } from '../store';
import { countsOf } from './bulkJob';
import type { ProgressListener, RunContext, RunResult } from './runContext';

export class JobProgress {
  private headerEtag = '';
  private chunkEtags: string[] = [];
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly c: RunContext,
    private readonly onProgress: ProgressListener | undefined,
  ) {}

  async claim(): Promise<RunResult | undefined> {
    const loaded = await this.c.deps.jobs.load(this.c.jobId);
    if (!loaded || loaded.job.header.state !== 'running') return { kind: 'notRunnable' };
    const { header } = loaded.job;
    const now = this.c.clock.now();
    if (header.lease && header.lease.owner !== this.c.instanceId && Date.parse(header.lease.until) > now) {
      return { kind: 'leasedElsewhere', until: header.lease.until };
    }
    header.lease = { owner: this.c.instanceId, until: new Date(now + this.c.o.leaseMs).toISOString() };
    try {
      this.headerEtag = await this.c.deps.jobs.putHeader(header, loaded.headerEtag);
    } catch (e) {
      if (e instanceof ConcurrencyError) return { kind: 'leasedElsewhere', until: header.lease.until };
      throw e;
    }
    this.c.job = loaded.job;
    this.c.job.items.forEach((item, i) => this.c.positions.set(item, i));
    this.chunkEtags = loaded.chunkEtags;
    return undefined;
  }

  /** Stores dirty item chunks and the header (counts, lease). One writer at a time; nothing after a stop. */
  checkpoint(): Promise<void> {
    const write = this.writes.then(async () => {
      if (this.c.signal.aborted) return;
      const { header, items } = this.c.job;
      const size = header.chunkSize;
      try {
        for (const chunk of [...this.c.dirty].sort((a, b) => a - b)) {
          this.c.dirty.delete(chunk);
          this.chunkEtags[chunk] = await this.c.deps.jobs.putChunk(header, chunk, items.slice(chunk * size, (chunk + 1) * size), this.chunkEtags[chunk] ?? '');
        }
        header.counts = countsOf(items, header.skipped.length);
        header.updatedAt = this.c.nowIso();
        if (header.state === 'running') header.lease = { owner: this.c.instanceId, until: new Date(this.c.clock.now() + this.c.o.leaseMs).toISOString() };
        this.headerEtag = await this.c.deps.jobs.putHeader(header, this.headerEtag);
      } catch (e) {
        if (!(e instanceof ConcurrencyError)) throw e;
        // Someone else holds the job now: stop without touching it again.
        this.c.log.warn({ jobId: header.id }, 'bulk job taken over by another process; stopping here');
        this.c.stop.abort(e);
      }
    });
    this.writes = write.catch((e: unknown) => this.c.log.error({ jobId: this.c.jobId, err: (e as Error).message }, 'bulk job progress not stored'));
    return write;
  }

  tick(): { stopped(): Promise<void> } {
    let running = true;
    let wake: () => void = () => undefined;
    const loop = (async () => {
      while (running && !this.c.signal.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          void this.c.clock.sleep(this.c.o.checkpointMs).then(resolve);
        });
        if (!running || this.c.signal.aborted) break;
        await this.checkpoint().catch(() => undefined);
        await this.report();
      }
    })();
    return {
      stopped: async () => {
        running = false;
        wake();
        await loop;
      },
    };
  }

  async report(): Promise<void> {
    if (!this.onProgress || this.c.signal.aborted) return;
    try {
      await this.onProgress(this.c.job);
    } catch (e) {
      this.c.log.warn({ jobId: this.c.jobId, err: (e as Error).message }, 'bulk progress listener failed');
    }
  }
}
