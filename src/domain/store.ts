// The store port: documents with optimistic concurrency (ETags), so that a request is decided
// once and background work is claimed by one instance. Adapters: src/store/*.

export interface StoredDocument<T> {
  key: string;
  value: T;
  etag: string;
}

export type WriteCondition = { ifMatch: string } | { ifNoneMatch: '*' };

/** Thrown when a conditional write loses the race: someone else changed or created the document. */
export class ConcurrencyError extends Error {
  constructor(collection: string, key: string) {
    super(`${collection}/${key} was changed by someone else`);
    this.name = 'ConcurrencyError';
  }
}

export interface DocumentStore {
  get<T>(collection: string, key: string): Promise<StoredDocument<T> | undefined>;
  /** Writes and returns the new ETag; throws ConcurrencyError when the condition fails. */
  put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string>;
  /** Documents whose key starts with the prefix, in key order. */
  list<T>(collection: string, prefix?: string): Promise<StoredDocument<T>[]>;
  delete(collection: string, key: string, condition?: { ifMatch: string }): Promise<void>;
  /** True when the store answers (readiness probe). */
  ping(): Promise<boolean>;
}

/** How often a read-modify-write is tried before the race is reported (ConcurrencyError). */
export const UPDATE_ATTEMPTS = 5;

/**
 * The one read-modify-write under a document's ETag: read, change, write if nobody wrote meanwhile,
 * and try again (read afresh) when someone did, at most `attempts` times; then the
 * ConcurrencyError goes to the caller. `change` returns undefined to leave the document alone.
 * Undefined when there is no such document.
 */
export async function updateDocument<T>(
  store: DocumentStore,
  collection: string,
  key: string,
  change: (value: T) => T | undefined,
  attempts = UPDATE_ATTEMPTS,
): Promise<{ value: T; changed: boolean } | undefined> {
  for (let attempt = 1; ; attempt++) {
    const doc = await store.get<T>(collection, key);
    if (!doc) return undefined;
    const next = change(doc.value);
    if (next === undefined) return { value: doc.value, changed: false };
    try {
      await store.put(collection, key, next, { ifMatch: doc.etag });
      return { value: next, changed: true };
    } catch (e) {
      if (!(e instanceof ConcurrencyError) || attempt >= attempts) throw e;
    }
  }
}

/**
 * Background retention: deletes the documents of a collection that `expired` says are done with,
 * at most `limit` per call. A document changed meanwhile (ETag) is left for the next call.
 */
export async function deleteExpiredDocuments<T>(store: DocumentStore, collection: string, expired: (value: T) => boolean, limit: number): Promise<number> {
  let deleted = 0;
  for (const doc of await store.list<T>(collection)) {
    if (deleted >= limit) break;
    if (!expired(doc.value)) continue;
    try {
      await store.delete(collection, doc.key, { ifMatch: doc.etag });
      deleted++;
    } catch (e) {
      if (!(e instanceof ConcurrencyError)) throw e;
    }
  }
  return deleted;
}
