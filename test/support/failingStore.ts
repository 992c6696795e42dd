// A store whose next N writes to some collections fail (a storage outage after Graph succeeded).
import type { DocumentStore, WriteCondition } from '../../src/domain/store';

export class FailingWrites implements DocumentStore {
  /** Writes still to fail. */
  failures = 0;
  constructor(
    private readonly inner: DocumentStore,
    private readonly collections: string[],
  ) {}
  get<T>(collection: string, key: string) {
    return this.inner.get<T>(collection, key);
  }
  async put<T>(collection: string, key: string, value: T, condition?: WriteCondition) {
    if (this.collections.includes(collection) && this.failures > 0) {
      this.failures--;
      throw new Error(`storage unavailable (${collection}, injected)`);
    }
    return this.inner.put(collection, key, value, condition);
  }
  list<T>(collection: string, prefix?: string) {
    return this.inner.list<T>(collection, prefix);
  }
  delete(collection: string, key: string, condition?: { ifMatch: string }) {
    return this.inner.delete(collection, key, condition);
  }
  ping() {
    return this.inner.ping();
  }
}
