// The invitation scheduler on a virtual clock: the answer-based schedule (first L at once, then W +
// margin after an answer), its safety under random latencies whatever the window semantics, pauses
// on 429, no livelock, and one budget across instances through the sender lease.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestPacer, type Clock, type SendTicket } from '../../src/domain/bulk/pacer';
import { StoreSenderLease, SENDER_LEASE_COLLECTION, type SenderLeaseDocument } from '../../src/domain/bulk/senderLease';
import { MemoryStore } from '../../src/store/memoryStore';

/** A virtual clock: sleeps wait for `run()` to move time forward, timer by timer. */
class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => {
        this.timers = this.timers.filter((x) => x !== timer);
        reject(signal.reason as Error);
      });
    });
  }

  /** Runs until `done` settles, firing timers in time order (ties in the order they were set). */
  async run<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    void done.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      if (settled) return done;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift();
      if (!next) throw new Error('nothing scheduled and not done: a deadlock');
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }
}

/** The largest number of arrivals in any half-open sliding window (t − windowMs, t]. */
function busiestSlidingWindow(arrivals: number[], windowMs: number): number {
  const a = [...arrivals].sort((x, y) => x - y);
  let most = 0;
  for (let i = 0, j = 0; i < a.length; i++) {
    while ((a[j] as number) <= (a[i] as number) - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/** The largest number of arrivals in one fixed window [k·W + offset, (k+1)·W + offset). */
function busiestFixedWindow(arrivals: number[], windowMs: number, offset: number): number {
  const counts = new Map<number, number>();
  for (const t of arrivals) {
    const k = Math.floor((t - offset) / windowMs);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

/** A seeded random source (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sent {
  send: number;
  arrival: number;
  answer: number;
}

/** n requests through the pacer; each takes `latency()` ms and reaches Graph at a random point of it. */
async function simulate(clock: VirtualClock, pacers: RequestPacer[], n: number, latency: () => number, rnd: () => number): Promise<Sent[]> {
  const sent: Sent[] = [];
  await clock.run(
    Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const pacer = pacers[i % pacers.length] as RequestPacer;
        const ticket = await pacer.acquire();
        const send = clock.now();
        const ms = latency();
        await clock.sleep(ms);
        sent.push({ send, arrival: send + rnd() * ms, answer: clock.now() });
        ticket.done();
      }),
    ),
  );
  return sent;
}

const W = 5000;
const MARGIN = 30;

describe('the invitation scheduler', () => {
  it('sends the first L at once, and no more before an answer has come back', async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 150, windowMs: W }, clock, { marginMs: MARGIN });
    const tickets: SendTicket[] = [];
    for (let i = 0; i < 150; i++) tickets.push(await pacer.acquire());
    assert.equal(clock.now(), 0);
    assert.equal(pacer.stats().inFlight, 150);
    let got = false;
    const next = pacer.acquire().then((t) => ((got = true), t));
    await clock.run(clock.sleep(60_000));
    assert.equal(got, false, 'the 151st waits as long as no lane was freed, however long that is');
    tickets[0]!.done(); // answered at 60 s
    const t151 = await clock.run(next);
    assert.equal(clock.now(), 60_000 + W + MARGIN);
    t151.done();
    for (const t of tickets.slice(1)) t.done();
  });

  it('sends request j W + margin after the answer to request j − L', async () => {
    const clock = new VirtualClock();
    const L = 10;
    const pacer = new RequestPacer({ requestsPerWindow: L, windowMs: W }, clock, { marginMs: MARGIN });
    // Answers come back in order, each 100 ms + 7 ms·j after its send.
    const sends: number[] = [];
    const answers: number[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 45 }, async (_, j) => {
          const ticket = await pacer.acquire();
          sends[j] = clock.now();
          await clock.sleep(100 + 7 * (j % L));
          answers[j] = clock.now();
          ticket.done();
        }),
      ),
    );
    for (let j = 0; j < 45; j++) {
      if (j < L) assert.equal(sends[j], 0, `request ${j} goes at once`);
      else assert.equal(sends[j], (answers[j - L] as number) + W + MARGIN, `request ${j}`);
    }
  });

  for (const [seed, L, maxLatency] of [
    [1, 150, 400],
    [2, 150, 3000],
    [3, 10, 8000],
    [4, 1, 2000],
    [5, 37, 100],
  ] as const) {
    it(`never lets more than L arrive in any sliding or fixed window, with random latencies (seed ${seed}, L ${L}, latency ≤ ${maxLatency} ms)`, async () => {
      const clock = new VirtualClock();
      const rnd = random(seed);
      const pacer = new RequestPacer({ requestsPerWindow: L, windowMs: W }, clock, { marginMs: MARGIN });
      // Heavy-tailed latencies: mostly fast, now and then very slow; arrival anywhere between send and answer.
      const sent = await simulate(clock, [pacer], Math.max(4 * L, 300), () => (rnd() < 0.9 ? rnd() * maxLatency * 0.2 : rnd() * maxLatency), rnd);
      const arrivals = sent.map((s) => s.arrival);
      assert.ok(busiestSlidingWindow(arrivals, W) <= L, `sliding: ${busiestSlidingWindow(arrivals, W)} > ${L}`);
      for (const offset of [0, 1234, 2500, 4999]) assert.ok(busiestFixedWindow(arrivals, W, offset) <= L, `fixed window at offset ${offset}`);
      // The schedule itself is the bound: every send is W + margin after a distinct earlier answer.
      const sortedSends = sent.map((s) => s.send).sort((a, b) => a - b);
      const sortedAnswers = sent.map((s) => s.answer).sort((a, b) => a - b);
      for (let j = L; j < sortedSends.length; j++) assert.ok((sortedSends[j] as number) >= (sortedAnswers[j - L] as number) + W + MARGIN);
      assert.equal(pacer.stats().slotsTaken, sent.length);
    });
  }

  it('wastes no time: with constant latency, window k starts W + margin after window k − 1 was answered', async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 150, windowMs: W }, clock, { marginMs: MARGIN });
    const sent = await simulate(clock, [pacer], 1000, () => 100, () => 1);
    const last = Math.max(...sent.map((s) => s.answer));
    // 7 windows: 6 × (W + margin + RTT) + one RTT.
    assert.equal(last, 6 * (W + MARGIN + 100) + 100);
  });

  it("pauses everyone for a 429's Retry-After, then the lanes start from the pause", async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 10, windowMs: 1000 }, clock, { marginMs: 0 });
    const sends: number[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 30 }, async (_, i) => {
          const ticket = await pacer.acquire();
          sends.push(clock.now());
          await clock.sleep(50);
          if (i === 3) pacer.pause(4000); // throttled at 50 ms: nobody before 4,050 ms
          ticket.done();
        }),
      ),
    );
    assert.equal(sends.filter((t) => t === 0).length, 10);
    const later = sends.filter((t) => t > 0);
    assert.ok(later.every((t) => t >= 4050), `sends: ${sends.join(',')}`);
    assert.equal(later.filter((t) => t === 4050).length, 10, 'after the pause, every lane is free at once (re-based)');
    assert.equal(pacer.stats().pauses, 1);
  });

  it('does not livelock when Graph throttles a burst (a smaller real limit, throttled requests counting), and retries go first', async () => {
    const clock = new VirtualClock();
    const L = 20;
    const pacer = new RequestPacer({ requestsPerWindow: L, windowMs: W }, clock, { marginMs: MARGIN });
    // Graph allows only 12 per 5 s here (others use the tenant too), counting the throttled ones.
    const arrivals: number[] = [];
    const graph = (now: number): number | undefined => {
      arrivals.push(now);
      const inWindow = arrivals.filter((t) => t > now - W).length;
      return inWindow <= 12 ? undefined : 1000 * Math.max(1, Math.ceil(((arrivals[arrivals.length - 12] as number) + W - now) / 1000));
    };
    const attempts: number[] = [];
    let throttled = 0;
    await clock.run(
      Promise.all(
        Array.from({ length: 100 }, async (_, i) => {
          for (let attempt = 1; ; attempt++) {
            const ticket = await pacer.acquire(undefined, { retry: attempt > 1 });
            await clock.sleep(50);
            const retryAfter = graph(clock.now());
            await clock.sleep(50);
            if (retryAfter !== undefined) {
              throttled++;
              pacer.pause(retryAfter);
              ticket.done();
              continue;
            }
            ticket.done();
            attempts[i] = attempt;
            return;
          }
        }),
      ),
    );
    assert.equal(attempts.filter(Boolean).length, 100, 'everyone got through');
    assert.ok(Math.max(...attempts) <= 3, `attempts per request at most 3, got ${Math.max(...attempts)}`);
    assert.ok(throttled > 0 && throttled < 100, `${throttled} throttled attempts`);
    assert.equal(pacer.stats().slotsTaken, 100 + throttled, 'every attempt took a slot');
    assert.ok(busiestSlidingWindow(arrivals, W) <= L);
  });

  it('lets a waiter give up (abort) without taking a lane', async () => {
    const clock = new VirtualClock();
    const pacer = new RequestPacer({ requestsPerWindow: 1, windowMs: 1000 }, clock);
    const first = await pacer.acquire();
    const stop = new AbortController();
    const waiting = pacer.acquire(stop.signal);
    stop.abort(new Error('job stopped'));
    await assert.rejects(waiting, /job stopped/);
    first.done();
    const next = await clock.run(pacer.acquire());
    next.done();
    assert.equal(pacer.stats().slotsTaken, 2);
  });
});

describe('one invitation budget for instances sharing a store', () => {
  it('two instances together never exceed L in any window, and both get through', async () => {
    const clock = new VirtualClock();
    const store = new MemoryStore();
    const rnd = random(42);
    const L = 30;
    const make = (id: string) =>
      new RequestPacer({ requestsPerWindow: L, windowMs: W }, clock, {
        marginMs: MARGIN,
        releaseAfterIdleMs: 100,
        lease: new StoreSenderLease(store, id, { windowMs: W, marginMs: MARGIN, clock }),
      });
    const a = make('a');
    const b = make('b');
    const both = [a, b];
    // Bursts from both, with pauses in between so that the lease changes hands several times.
    const sent: Sent[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 400 }, async (_, i) => {
          await clock.sleep(Math.floor(i / 50) * 9000);
          const pacer = both[(i >> 2) % 2] as RequestPacer;
          const ticket = await pacer.acquire();
          const send = clock.now();
          const ms = rnd() * 600;
          await clock.sleep(ms);
          sent.push({ send, arrival: send + rnd() * ms, answer: clock.now() });
          ticket.done();
        }),
      ),
    );
    assert.equal(sent.length, 400);
    const arrivals = sent.map((s) => s.arrival);
    assert.ok(busiestSlidingWindow(arrivals, W) <= L, `sliding: ${busiestSlidingWindow(arrivals, W)}`);
    assert.ok(a.stats().slotsTaken > 0 && b.stats().slotsTaken > 0, 'both instances sent');
    assert.equal(a.stats().slotsTaken + b.stats().slotsTaken, 400);
  });

  it('hands the lanes over: the next holder uses lanes already cool at once and waits for the others', async () => {
    const clock = new VirtualClock();
    const store = new MemoryStore();
    const opts = { windowMs: W, marginMs: MARGIN, clock, clockSkewMs: 0 };
    const a = new RequestPacer({ requestsPerWindow: 10, windowMs: W }, clock, { marginMs: MARGIN, releaseAfterIdleMs: 100, lease: new StoreSenderLease(store, 'a', opts) });
    const b = new RequestPacer({ requestsPerWindow: 10, windowMs: W }, clock, { marginMs: MARGIN, releaseAfterIdleMs: 100, lease: new StoreSenderLease(store, 'b', opts) });
    // a sends 4 (answered at 100 ms) and hands over once idle.
    await clock.run(Promise.all(Array.from({ length: 4 }, async () => ((t) => clock.sleep(100).then(() => t.done()))(await a.acquire()))));
    await clock.run(clock.sleep(500));
    const doc = await store.get<SenderLeaseDocument>(SENDER_LEASE_COLLECTION, 'tenant');
    assert.equal(doc?.value.owner, undefined, 'handed over');
    assert.equal(doc?.value.lastAnswerAt, 100);
    const bSends: number[] = [];
    await clock.run(
      Promise.all(
        Array.from({ length: 10 }, async () => {
          const ticket = await b.acquire();
          bSends.push(clock.now());
          ticket.done();
        }),
      ),
    );
    assert.equal(bSends.filter((t) => t < 1000).length, 6, "six lanes were never used: at once (after the store's turn)");
    assert.equal(bSends.filter((t) => t === 100 + W + MARGIN).length, 4, "a's four lanes: W + margin after a's answers");
  });

  it("takes over a holder that stopped only after its lease's expiry + W + margin", async () => {
    const clock = new VirtualClock();
    const store = new MemoryStore();
    const opts = { windowMs: W, marginMs: MARGIN, clock, leaseMs: 30_000, guardMs: 15_000, clockSkewMs: 50 };
    const dead = new StoreSenderLease(store, 'dead', opts);
    await dead.acquire();
    assert.equal(dead.sendUntil, 15_000, 'the holder sends only while the lease has the guard left');
    const next = new StoreSenderLease(store, 'next', opts);
    const start = await clock.run(next.acquire());
    assert.ok(clock.now() >= 30_000, 'waited for the lease to run out');
    assert.equal(start.notBefore, 30_000 + W + MARGIN + 50);
    assert.equal(await dead.renew([]), false, 'the old holder learns it lost the lease');
  });
});
