// The invitation pacer, on a virtual clock: spacing, pauses, and retries going through it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestPacer, type Clock } from '../../src/domain/bulk/pacer';

/** A virtual clock: sleeps wait for `run()` to move time forward, timer by timer. */
class VirtualClock implements Clock {
  private t = 0;
  private timers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), resolve });
    });
  }

  /** Runs until `done` settles, firing timers in time order. */
  async run<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    void done.finally(() => (settled = true));
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (settled) return done;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing scheduled and not done');
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }
}

/** The largest number of arrivals in any half-open window (t - windowMs, t]. */
function busiestWindow(arrivals: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < arrivals.length; i++) {
    while ((arrivals[j] as number) <= (arrivals[i] as number) - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('the invitation pacer', () => {
  it('never lets more than the limit arrive in any window, whatever the demand', async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 145, windowMs: 5000 }, clock);
    const arrivals: number[] = [];
    const callers = Array.from({ length: 1000 }, async () => {
      await pacer.acquire();
      arrivals.push(clock.now());
    });
    await clock.run(Promise.all(callers));
    assert.equal(arrivals.length, 1000);
    assert.ok(busiestWindow(arrivals, 5000) <= 145, `busiest window: ${busiestWindow(arrivals, 5000)}`);
    assert.ok(busiestWindow(arrivals, 5000) >= 144, 'and it uses the limit, not much less');
  });

  it('spreads arrivals evenly instead of bursting', async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 10, windowMs: 1000 }, clock);
    const arrivals: number[] = [];
    await clock.run(Promise.all(Array.from({ length: 20 }, async () => (await pacer.acquire(), arrivals.push(clock.now())))));
    const gaps = arrivals.slice(1).map((t, i) => t - (arrivals[i] as number));
    assert.ok(gaps.every((g) => g >= 100), `gaps: ${gaps.join(',')}`);
  });

  it("pauses everyone for a 429's Retry-After, then resumes at the paced rate", async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 10, windowMs: 1000 }, clock);
    const arrivals: number[] = [];
    const work = Promise.all(
      Array.from({ length: 6 }, async (_, i) => {
        await pacer.acquire();
        arrivals.push(clock.now());
        if (i === 1) pacer.pause(3000); // the second one was throttled
      }),
    );
    await clock.run(work);
    const afterPause = arrivals.filter((t) => t > 100);
    assert.ok(afterPause.every((t) => t >= 3100), `arrivals: ${arrivals.join(',')}`);
    const gaps = afterPause.slice(1).map((t, i) => t - (afterPause[i] as number));
    assert.ok(gaps.every((g) => g >= 100), 'no burst after the pause');
  });

  it('puts retries through the pacer, so throttled attempts never exceed the limit', async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 10, windowMs: 1000 }, clock);
    const arrivals: number[] = [];
    let throttledOnce = false;
    // 30 senders; the 5th attempt overall is throttled and retried: the retry takes a slot like everyone.
    const send = async () => {
      for (;;) {
        await pacer.acquire();
        arrivals.push(clock.now());
        if (arrivals.length === 5 && !throttledOnce) {
          throttledOnce = true;
          pacer.pause(1000);
          continue;
        }
        return;
      }
    };
    await clock.run(Promise.all(Array.from({ length: 30 }, send)));
    assert.equal(arrivals.length, 31, 'one retry');
    assert.ok(busiestWindow(arrivals, 1000) <= 10);
    assert.equal(pacer.stats().slotsTaken, 31);
  });
});
