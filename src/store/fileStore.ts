// The embedded store: one JSON file per document under DATA_DIR, written to a temporary file and
// renamed into place, so a crash mid-write leaves the old or the new document, never half of one.
// One bot instance per directory (PRODUCT.md section 7); writes within the process are serialized
// per document so ETag checks are exact.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConcurrencyError, type DocumentStore, type StoredDocument, type WriteCondition } from '../domain/store';

interface FileDocument<T> {
  key: string;
  etag: string;
  value: T;
}

const fileNameOf = (key: string) => `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`;

export class FileStore implements DocumentStore {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly root: string) {}

  private dir(collection: string) {
    return path.join(this.root, collection);
  }

  private async read<T>(file: string): Promise<FileDocument<T> | undefined> {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as FileDocument<T>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  private serialized<T>(file: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(file) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.locks.set(file, settled);
    void settled.then(() => {
      if (this.locks.get(file) === settled) this.locks.delete(file);
    });
    return next;
  }

  async get<T>(collection: string, key: string): Promise<StoredDocument<T> | undefined> {
    const doc = await this.read<T>(path.join(this.dir(collection), fileNameOf(key)));
    return doc && { key: doc.key, value: doc.value, etag: doc.etag };
  }

  put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string> {
    const file = path.join(this.dir(collection), fileNameOf(key));
    return this.serialized(file, async () => {
      if (condition) {
        const current = await this.read<T>(file);
        if ('ifNoneMatch' in condition ? current !== undefined : current?.etag !== condition.ifMatch) {
          throw new ConcurrencyError(collection, key);
        }
      }
      const etag = randomUUID();
      await mkdir(this.dir(collection), { recursive: true });
      const temp = `${file}.${randomUUID()}.tmp`;
      await writeFile(temp, JSON.stringify({ key, etag, value } satisfies FileDocument<T>));
      await rename(temp, file);
      return etag;
    });
  }

  async list<T>(collection: string, prefix = ''): Promise<StoredDocument<T>[]> {
    let names: string[];
    try {
      names = await readdir(this.dir(collection));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const docs = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => this.read<T>(path.join(this.dir(collection), n))));
    return docs
      .filter((d): d is FileDocument<T> => d !== undefined && d.key.startsWith(prefix))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((d) => ({ key: d.key, value: d.value, etag: d.etag }));
  }

  delete(collection: string, key: string, condition?: { ifMatch: string }): Promise<void> {
    const file = path.join(this.dir(collection), fileNameOf(key));
    return this.serialized(file, async () => {
      if (condition) {
        const current = await this.read(file);
        if (current && current.etag !== condition.ifMatch) throw new ConcurrencyError(collection, key);
      }
      await rm(file, { force: true });
    });
  }

  async ping(): Promise<boolean> {
    await mkdir(this.root, { recursive: true });
    return true;
  }
}
