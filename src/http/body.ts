// Request bodies are checked before any work. Only POST /api/messages takes one: JSON, at most
// MAX_ACTIVITY_BYTES. A refusal is decided from the headers when they suffice (415 for any other
// type or an encoding, 413 for a Content-Length over the limit) and otherwise while the body
// streams in (413 as soon as a chunked body passes the limit), so a large body is never held in
// memory, and nothing is parsed as a form or written to disk (restify's bodyParser does both).
import type { IncomingMessage } from 'node:http';

/**
 * The largest activity the bot accepts. Teams limits a message to about 28 KB of text; an
 * Adaptive Card's Action.Execute data is a few form fields; attachments arrive as URLs, never as
 * bytes. 256 KiB leaves room for the entities, channel data and mentions Teams adds, with no
 * legitimate activity near it.
 */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

export class BodyRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyRefused';
  }
}

export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;
}

/** `application/json`, with at most a UTF-8 charset (RFC 8259: JSON between systems is UTF-8). */
function isJson(contentType: string | undefined): boolean {
  const [type, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((p) => p === '' || p === 'charset=utf-8' || p === 'charset="utf-8"' || p === 'charset=utf8');
}

/** What the headers alone say about a body that may be at most `maxBytes` (0: no body at all). */
export function refusalByHeaders(req: IncomingMessage, maxBytes: number): BodyRefused | undefined {
  if (maxBytes === 0) return hasBody(req) ? new BodyRefused(413, 'This route takes no request body.') : undefined;
  if (!isJson(req.headers['content-type'])) return new BodyRefused(415, 'The request body must be application/json.');
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    // Decompressing would let a small upload become a large body.
    return new BodyRefused(415, 'Compressed request bodies are not accepted.');
  }
  if (Number(req.headers['content-length'] ?? '0') > maxBytes) return new BodyRefused(413, `The request body is larger than ${maxBytes} bytes.`);
  return undefined;
}

/** Reads a JSON body of at most `maxBytes`, stopping at the first byte over it. */
export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (err: BodyRefused) => {
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      // Nothing more is read; the answer closes the connection (see refuseBody in server.ts).
      req.pause();
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) stop(new BodyRefused(413, `The request body is larger than ${maxBytes} bytes.`));
      else chunks.push(chunk);
    };
    const onEnd = () => {
      req.off('close', onClose);
      try {
        // fatal: bytes that are not UTF-8 are a malformed body, not replacement characters.
        resolve(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks))));
      } catch {
        reject(new BodyRefused(400, 'The request body is not valid JSON.'));
      }
    };
    const onClose = () => stop(new BodyRefused(400, 'The request body ended early.'));
    req.on('data', onData).once('end', onEnd).once('close', onClose);
  });
}
