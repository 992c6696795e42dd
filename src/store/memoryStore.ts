// An in-memory DocumentStore for unit tests and for the shared contract suite's reference.
import { randomUUID } from 'node:crypto';
import { ConcurrencyError, type DocumentStore, type StoredDocument, type WriteCondition } from '../domain/store';

export class MemoryStore implements DocumentStore {
  private readonly data = new Map<string, Map<string, StoredDocument<unknown>>>();

  private col(collection: string) {
    let c = this.data.get(collection);
    if (!c) this.data.set(collection, (c = new Map()));
    return c;
  }

  async get<T>(collection: string, key: string): Promise<StoredDocument<T> | undefined> {
    const doc = this.col(collection).get(key) as StoredDocument<T> | undefined;
    return doc && structuredClone(doc);
  }

  async put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string> {
    const current = this.col(collection).get(key);
    if (condition && ('ifNoneMatch' in condition ? current !== undefined : current?.etag !== condition.ifMatch)) {
      throw new ConcurrencyError(collection, key);
    }
    const etag = randomUUID();
    this.col(collection).set(key, { key, value: structuredClone(value), etag });
    return etag;
  }

  async list<T>(collection: string, prefix = ''): Promise<StoredDocument<T>[]> {
    return [...this.col(collection).values()]
      .filter((d) => d.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((d) => structuredClone(d) as StoredDocument<T>);
  }

  async delete(collection: string, key: string, condition?: { ifMatch: string }): Promise<void> {
    const current = this.col(collection).get(key);
    if (condition && current && current.etag !== condition.ifMatch) throw new ConcurrencyError(collection, key);
    this.col(collection).delete(key);
  }

  async ping(): Promise<boolean> {
    return true;
  }
}
