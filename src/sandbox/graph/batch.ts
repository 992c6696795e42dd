// POST /$batch: up to 20 items, each run through the same pipeline as a direct call (auth,
// throttling, faults), each with its own status and headers inside a 200. Item URLs must be
// relative and version-less: Graph answers an item URL starting with /v1.0/ or http with 400
// "Invalid request", which is what the graph-client's BatchRequestContent produces (see
// REFERENCE.md), so the sandbox reproduces it.
import { randomUUID } from 'node:crypto';
import { GraphError, json, type GraphContext, type GraphResponse } from './context';
import { authenticate, errorBody, runGraph, type CallInfo, type UnauthenticatedRequest } from './pipeline';

export interface BatchItemResult {
  id: string;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  status: number;
}

interface BatchItemIn {
  id?: unknown;
  method?: unknown;
  url?: unknown;
  headers?: unknown;
  body?: unknown;
}

/** Batch item headers come back with canonical capitalisation (Retry-After, Content-Type). */
const canonical = (h: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.replace(/(^|-)([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()), v]));

export function segmentsOf(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((x) => x !== '')
    .map((x) => {
      try {
        return decodeURIComponent(x);
      } catch {
        return x;
      }
    });
}

export function runBatch(
  ctx: GraphContext,
  outer: UnauthenticatedRequest,
  info: CallInfo,
  onItem: (r: BatchItemResult) => void,
): GraphResponse {
  try {
    authenticate(ctx, outer);
  } catch (err) {
    if (err instanceof GraphError) return errorBody(err.status, err.code, err.message, info, err.headers);
    throw err;
  }
  const requests = (outer.body as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests)) return errorBody(400, 'BadRequest', 'Invalid batch payload format.', info);
  if (requests.length > 20) return errorBody(400, 'BadRequest', 'Number of batch request steps exceeds the maximum of 20.', info);
  const ids = requests.map((r: BatchItemIn | null) => (r && (typeof r.id === 'string' || typeof r.id === 'number') ? String(r.id) : ''));
  if (ids.some((id) => id === '') || new Set(ids).size !== ids.length) {
    return errorBody(400, 'BadRequest', 'Batch request ids must be present and unique.', info);
  }

  const responses = (requests as BatchItemIn[]).map((item, i) => {
    const id = ids[i] as string;
    const method = typeof item.method === 'string' ? item.method.toUpperCase() : '';
    const url = typeof item.url === 'string' ? item.url : '';
    const itemInfo: CallInfo = { requestId: randomUUID(), clientRequestId: info.clientRequestId };
    let res: GraphResponse;
    let path = url;
    let query = new URLSearchParams();
    if (!method || !url || /^https?:/i.test(url) || /^\/?(v1\.0|beta)(\/|$)/i.test(url)) {
      res = errorBody(400, 'BadRequest', 'Invalid request', itemInfo);
    } else {
      const parsed = new URL(url.startsWith('/') ? url : `/${url}`, 'https://batch.invalid');
      const segments = segmentsOf(parsed.pathname);
      path = `/${segments.join('/')}`;
      query = parsed.searchParams;
      const itemHeaders = Object.fromEntries(
        Object.entries((item.headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k.toLowerCase(), String(v)]),
      );
      const headers = { ...outer.headers, ...itemHeaders };
      if (segments[0] === '$batch') {
        res = errorBody(400, 'BadRequest', 'Nested batch requests are not supported.', itemInfo);
      } else {
        res = runGraph(ctx, { method, path, segments, query, headers, body: item.body }, itemInfo);
      }
    }
    onItem({ id, method, path, query, body: item.body, status: res.status });
    return { id, status: res.status, headers: canonical(res.headers), ...(res.body !== undefined ? { body: res.body } : {}) };
  });
  return json(200, { responses });
}
