// The HTTP boundary before any work: what a request body may be, how long a request may take, and
// where an anonymous bot listens. Bodies are streamed by node:http, never built in memory, so the
// memory the bot process holds can be compared before and after a 50 MB upload.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { mentionMessage, USERS } from '../support/activities';
import { useHarness } from '../support/harness';

const lines: string[] = [];
const h = useHarness({ logs: { level: 'info', stream: { write: (line: string) => void lines.push(line) } } });

const MB = 1024 * 1024;

interface Answer {
  status: number;
  body: string;
  /** Bytes the client got to send before the answer came. */
  sent: number;
}

/**
 * Sends `size` bytes (the first `prefix`, then spaces) without ever holding them: one 64 KiB
 * chunk written again and again, waiting for the socket to drain. Stops sending at the answer.
 * Without `contentLength` the body goes chunked.
 */
function send(pathname: string, options: { method?: string; headers: Record<string, string>; size: number; contentLength: boolean; prefix?: string }): Promise<Answer> {
  const { method = 'POST', headers, size, contentLength, prefix = '' } = options;
  return new Promise((resolve, reject) => {
    const url = new URL(pathname, h.botUrl);
    // Named explicitly: Node frames a GET body as chunked only when told to.
    const framing = contentLength ? { 'content-length': String(size) } : { 'transfer-encoding': 'chunked' };
    const req = request(url, { method, headers: { ...headers, ...framing } });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let sent = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body, sent });
      });
    });
    // Once answered, the bot closing the connection under the unsent rest is expected.
    req.on('error', (err) => answered || reject(err));
    const pump = () => {
      while (!answered && sent < size) {
        const piece = sent === 0 && prefix ? Buffer.from(prefix) : chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const memory = () => {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
};

async function assertMemoryStays(run: () => Promise<void>): Promise<void> {
  const before = memory();
  await run();
  const after = memory();
  // Generous: a proof that the body streamed past the bot, not a measure of its footprint.
  assert.ok(after.rss - before.rss < 30 * MB, `RSS grew by ${Math.round((after.rss - before.rss) / MB)} MB`);
  assert.ok(after.heapUsed - before.heapUsed < 30 * MB, `heap grew by ${Math.round((after.heapUsed - before.heapUsed) / MB)} MB`);
}

const json = { 'content-type': 'application/json' };
const activityJson = () => JSON.stringify(mentionMessage(h.where, USERS.alexOwner, 'help'));

describe('request bodies', () => {
  it('refuses a 50 MB body with 413 without reading it (Content-Length)', async () => {
    await assertMemoryStays(async () => {
      const answer = await send('/api/messages', { headers: json, size: 50 * MB, contentLength: true, prefix: '{"type":"message","text":"' });
      assert.equal(answer.status, 413);
      assert.equal(JSON.parse(answer.body).error, 'PayloadTooLarge');
      assert.ok(answer.sent < 50 * MB, 'the connection was closed before the whole body went');
    });
  });

  it('refuses a 50 MB chunked body with 413 as soon as it passes the limit', async () => {
    await assertMemoryStays(async () => {
      const answer = await send('/api/messages', { headers: json, size: 50 * MB, contentLength: false, prefix: '{"type":"message","text":"' });
      assert.equal(answer.status, 413);
      assert.ok(answer.sent < 50 * MB, 'the connection was closed before the whole body went');
    });
  });

  it('refuses a multipart upload with 415 and writes nothing to the temporary directory', async () => {
    // A temporary directory of this test's own, so other processes' files cannot interfere;
    // os.tmpdir() follows TMPDIR at each call, as a multipart parser would.
    const previous = process.env.TMPDIR;
    const own = mkdtempSync(path.join(tmpdir(), 'gp-upload-'));
    process.env.TMPDIR = own;
    try {
      assert.equal(tmpdir(), own);
      const boundary = 'guest-pass-boundary';
      const form = [`--${boundary}`, 'content-disposition: form-data; name="file"; filename="a.bin"', 'content-type: application/octet-stream', '', 'x'.repeat(10_000), `--${boundary}--`, ''].join('\r\n');
      const res = await fetch(`${h.botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: form });
      assert.equal(res.status, 415);
      assert.deepEqual(readdirSync(own), []);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('refuses a form-urlencoded body, a text body and a compressed body with 415', async () => {
    for (const headers of [{ 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain' }, { ...json, 'content-encoding': 'gzip' }]) {
      const res = await fetch(`${h.botUrl}/api/messages`, { method: 'POST', headers, body: 'type=message' });
      assert.equal(res.status, 415, JSON.stringify(headers));
      await res.body?.cancel();
    }
  });

  it('answers 400, not 500, to malformed JSON and to bytes that are not UTF-8', async () => {
    for (const body of ['{"type":"message",', Buffer.from([0x7b, 0xff, 0x7d])]) {
      const res = await fetch(`${h.botUrl}/api/messages`, { method: 'POST', headers: json, body });
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, 'BadRequest');
    }
  });

  it('takes an activity as application/json with a UTF-8 charset, with Content-Length or chunked', async () => {
    const res = await fetch(`${h.botUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: activityJson() });
    assert.equal(res.status, 200);
    const body = activityJson();
    const chunked = await send('/api/messages', { headers: json, size: Buffer.byteLength(body), contentLength: false, prefix: body });
    assert.equal(chunked.status, 200);
  });

  it('refuses a body on a GET route with 413 without reading it', async () => {
    await assertMemoryStays(async () => {
      const answer = await send('/healthz', { method: 'GET', headers: json, size: 50 * MB, contentLength: false });
      assert.equal(answer.status, 413);
      assert.ok(answer.sent < 50 * MB);
    });
    assert.equal((await fetch(`${h.botUrl}/healthz`)).status, 200, 'without a body it answers');
  });

  it('bounds how long headers and the whole request may take, on every route', () => {
    const server = h.app.server.server;
    assert.ok(server.headersTimeout > 0 && server.headersTimeout <= 10_000);
    assert.ok(server.requestTimeout > 0 && server.requestTimeout <= 30_000);
    assert.ok(server.keepAliveTimeout > 0 && server.keepAliveTimeout <= 5_000);
  });
});

describe('an anonymous bot', () => {
  it('listens on loopback only, and its start-up line says so and why', () => {
    assert.equal((h.app.server.address() as AddressInfo).address, '127.0.0.1');
    const started = lines.map((l) => JSON.parse(l) as { msg: string; address?: string; loopbackOnly?: boolean }).find((e) => e.msg.startsWith('Guest Pass listening'));
    assert.ok(started, 'a start-up line');
    assert.equal(started.address, '127.0.0.1');
    assert.equal(started.loopbackOnly, true);
    assert.match(started.msg, /http:\/\/127\.0\.0\.1:\d+\/api\/messages, loopback only: BOT_ALLOW_ANONYMOUS=true accepts requests without authentication/);
  });
});
