// Runs a confirmed bulk job in the background: look-ups in batches, invitations paced against
// Graph's limit, group adds in batches, as one pipeline (stages.ts), with progress stored in chunks
// so that a restart resumes the job (jobProgress.ts), each line's outcome recorded as a single
// invitation's is (itemOutcomes.ts). One RunContext (runContext.ts) is what the parts share.
import { randomUUID } from 'node:crypto';
import { ItemOutcomes } from './itemOutcomes';
import { JobProgress } from './jobProgress';
import { DEFAULT_BULK_OPTIONS, RunContext, silentLog, type BulkLog, type BulkRunnerDeps, type BulkRunnerOptions, type ProgressListener, type RunResult } from './runContext';
import { Stages } from './stages';
import { systemClock, type Clock } from './pacer';

export { DEFAULT_BULK_OPTIONS, type BulkLog, type BulkRunnerDeps, type BulkRunnerOptions, type ProgressListener, type RunResult } from './runContext';

export class BulkRunner {
  readonly options: BulkRunnerOptions;
  readonly instanceId: string;
  private readonly clock: Clock;
  private readonly log: BulkLog;
  private readonly active = new Map<string, Promise<RunResult>>();

  constructor(private readonly deps: BulkRunnerDeps) {
    this.options = { ...DEFAULT_BULK_OPTIONS, ...deps.options };
    this.instanceId = deps.instanceId ?? randomUUID();
    this.clock = deps.clock ?? systemClock;
    this.log = deps.log ?? silentLog;
  }

  isRunning(jobId: string): boolean {
    return this.active.has(jobId);
  }

  /** Runs (or resumes) a confirmed job to its end; one run per job per process. */
  run(jobId: string, options: { signal?: AbortSignal; onProgress?: ProgressListener } = {}): Promise<RunResult> {
    const current = this.active.get(jobId);
    if (current) return current;
    const context = new RunContext(this.deps, this.options, this.clock, this.log, this.instanceId, jobId, options.signal);
    const run = execute(context, options.onProgress).finally(() => this.active.delete(jobId));
    this.active.set(jobId, run);
    return run;
  }
}

/** One run: claim the job, run the three stages to their end, store the outcome. */
async function execute(c: RunContext, onProgress: ProgressListener | undefined): Promise<RunResult> {
  const progress = new JobProgress(c, onProgress);
  const claim = await progress.claim();
  if (claim) return claim;
  const outcomes = new ItemOutcomes(c);
  const stages = new Stages(c, progress, outcomes);
  const { header } = c.job;
  c.log.info({ jobId: header.id, groupId: header.team.groupId, items: header.itemCount }, 'bulk job running');
  await stages.prepare();

  // Items decided before this run (domain rules at preview, or a run cut short) still need their record.
  for (const item of c.job.items) if (item.state === 'done' && !item.recorded) outcomes.recordLater(item);

  const ticker = progress.tick();
  const results = await Promise.allSettled([stages.lookupStage(), stages.inviteStage(), stages.addStage()]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed && !c.signal.aborted) {
    // Most likely the store: stop here; the job keeps its state and is resumed once the lease runs out.
    c.log.error({ jobId: header.id, err: (failed.reason as Error)?.message }, 'bulk job stopped by an error');
    c.stop.abort(failed.reason);
  }
  await outcomes.settled();
  await ticker.stopped();

  if (c.signal.aborted) {
    c.log.warn({ jobId: header.id }, 'bulk job interrupted');
    return { kind: 'interrupted', job: c.job };
  }
  header.state = 'finished';
  header.finishedAt = c.nowIso();
  header.lease = undefined;
  await progress.checkpoint();
  await progress.report();
  c.log.info({ jobId: header.id, counts: header.counts }, 'bulk job finished');
  return { kind: 'finished', job: c.job };
}
