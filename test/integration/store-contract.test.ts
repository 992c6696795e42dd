// The DocumentStore contract (src/domain/store.ts), one suite run against every adapter: the
// in-memory reference, the embedded file store and the Azure Table store (on Azurite). Then what
// only one adapter can show: a file store surviving a crash and a restart, and two bot instances
// sharing one table.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { ConcurrencyError, type DocumentStore } from '../../src/domain/store';
import { AzureTableStore, decodeKey, DocumentTooLargeError, encodeKey, isInsecureConnectionString } from '../../src/store/azureTableStore';
import { FileStore } from '../../src/store/fileStore';
import { createStore } from '../../src/store';
import { MemoryStore } from '../../src/store/memoryStore';
import { startAzurite, type Azurite } from '../support/azurite';

const isConcurrencyError = (e: unknown) => e instanceof ConcurrencyError;
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Keys that break naive adapters: table-forbidden characters, escapes, quotes, unicode. */
const AWKWARD_KEYS = [
  'group|alice@contoso.com',
  'a/b\\c#d?e%f g',
  "o'brien|it's",
  'percent %2F and %25',
  'bang!0041 looks like an escape',
  'bangA',
  'tilde~and^caret',
  'tab\tnewline\ncontrol\u0001',
  'émoji 😀 中文 עברית',
  '',
];

/** Keys around one prefix, mixing plain and escaped characters so that key order is really tested. */
const PREFIX_KEYS = ['g1|a', 'g1|a b', 'g1|a!b', 'g1|a#', 'g1|a/', 'g1|é', 'g1|Z', 'g1|0', 'g1|~', 'g1|-', 'g1|😀', 'g1|'];
const OTHER_KEYS = ['g1', 'g10|a', 'g2|a', 'g1:', 'G1|a', 'a'];

export function storeContract(name: string, makeStore: () => DocumentStore | Promise<DocumentStore>) {
  describe(`${name} keeps the DocumentStore contract`, () => {
    let store: DocumentStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('answers ping with true', async () => {
      assert.equal(await store.ping(), true);
    });

    it('returns undefined for a key that was never written, in a new or an existing collection', async () => {
      assert.equal(await store.get('nothing-here', 'k'), undefined);
      await store.put('docs', 'other', 1);
      assert.equal(await store.get('docs', 'k'), undefined);
    });

    it('round-trips nested JSON with unicode, and returns the key and the etag put returned', async () => {
      const value = {
        name: 'Zoë Ångström 😀 中文 עברית',
        nested: { list: [1, 2.5, -3, true, false, null, 'x'], deeper: { empty: {}, none: [] as unknown[] } },
        quote: 'it\'s "quoted" \\ back\nslash',
        lone: 'a\ud800b',
      };
      const etag = await store.put('docs', 'k', value);
      assert.ok(etag.length > 0);
      assert.deepEqual(await store.get('docs', 'k'), { key: 'k', value, etag });
    });

    it('keeps keys with | / \\ # ? % quotes, spaces, control characters and unicode apart and intact', async () => {
      const etags = new Map<string, string>();
      for (const [i, key] of AWKWARD_KEYS.entries()) etags.set(key, await store.put('docs', key, { i, key }));
      for (const [i, key] of AWKWARD_KEYS.entries()) {
        assert.deepEqual(await store.get('docs', key), { key, value: { i, key }, etag: etags.get(key) }, JSON.stringify(key));
      }
      const listed = await store.list<{ i: number; key: string }>('docs');
      assert.deepEqual(
        listed.map((d) => d.key),
        [...AWKWARD_KEYS].sort(byCodeUnits),
      );
      assert.ok(listed.every((d) => d.value.key === d.key && d.etag === etags.get(d.key)));
    });

    it('round-trips a large document (about 300 KB of JSON, non-ASCII included)', async () => {
      const value = { rows: Array.from({ length: 2_000 }, (_, i) => ({ i, text: `row ${i} ${'abcdefghij'.repeat(10)} é😀` })) };
      assert.ok(JSON.stringify(value).length > 250_000);
      const etag = await store.put('docs', 'big', value);
      assert.deepEqual(await store.get('docs', 'big'), { key: 'big', value, etag });
    });

    it('lets an unconditional put overwrite and change the etag', async () => {
      const first = await store.put('docs', 'k', { v: 1 });
      const second = await store.put('docs', 'k', { v: 2 });
      assert.notEqual(second, first);
      assert.deepEqual(await store.get('docs', 'k'), { key: 'k', value: { v: 2 }, etag: second });
    });

    it('creates with ifNoneMatch * once; a second create fails with ConcurrencyError and changes nothing', async () => {
      const etag = await store.put('docs', 'k', { v: 1 }, { ifNoneMatch: '*' });
      await assert.rejects(store.put('docs', 'k', { v: 2 }, { ifNoneMatch: '*' }), isConcurrencyError);
      assert.deepEqual(await store.get('docs', 'k'), { key: 'k', value: { v: 1 }, etag });
    });

    it('writes with ifMatch of the current etag and refuses a stale one', async () => {
      const first = await store.put('docs', 'k', { v: 1 });
      const second = await store.put('docs', 'k', { v: 2 }, { ifMatch: first });
      assert.notEqual(second, first);
      await assert.rejects(store.put('docs', 'k', { v: 3 }, { ifMatch: first }), isConcurrencyError);
      assert.deepEqual(await store.get('docs', 'k'), { key: 'k', value: { v: 2 }, etag: second });
    });

    it('refuses ifMatch on a document that does not exist, and an etag it never issued', async () => {
      const etag = await store.put('docs', 'k', 1);
      await assert.rejects(store.put('docs', 'missing', 1, { ifMatch: etag }), isConcurrencyError);
      assert.equal(await store.get('docs', 'missing'), undefined);
      await assert.rejects(store.put('docs', 'k', 2, { ifMatch: 'not-an-etag' }), isConcurrencyError);
      assert.equal((await store.get('docs', 'k'))?.value, 1);
    });

    it('lets exactly one of two concurrent ifMatch writers with the same etag win', async () => {
      for (let round = 0; round < 5; round++) {
        const etag = await store.put('docs', `race-${round}`, { by: 'nobody' });
        const results = await Promise.allSettled([
          store.put('docs', `race-${round}`, { by: 'a' }, { ifMatch: etag }),
          store.put('docs', `race-${round}`, { by: 'b' }, { ifMatch: etag }),
        ]);
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [{ by: i === 0 ? 'a' : 'b', etag: r.value }] : []));
        const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
        assert.equal(won.length, 1, `round ${round}: ${JSON.stringify(results)}`);
        assert.ok(lost.every(isConcurrencyError), String(lost[0]));
        assert.deepEqual(await store.get('docs', `race-${round}`), { key: `race-${round}`, value: { by: won[0]!.by }, etag: won[0]!.etag });
      }
    });

    it('lets exactly one of two concurrent ifNoneMatch creators win', async () => {
      const results = await Promise.allSettled([
        store.put('docs', 'new', 'a', { ifNoneMatch: '*' }),
        store.put('docs', 'new', 'b', { ifNoneMatch: '*' }),
      ]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.ok(results.every((r) => r.status === 'fulfilled' || isConcurrencyError(r.reason)));
    });

    it('lists only the keys with the prefix, in key order', async () => {
      for (const key of [...OTHER_KEYS, ...PREFIX_KEYS]) await store.put('docs', key, { key });
      const listed = await store.list<{ key: string }>('docs', 'g1|');
      assert.deepEqual(
        listed.map((d) => d.key),
        [...PREFIX_KEYS].sort(byCodeUnits),
      );
      assert.ok(listed.every((d) => d.value.key === d.key));
      assert.deepEqual(
        (await store.list('docs', 'g1|a')).map((d) => d.key),
        ['g1|a', 'g1|a b', 'g1|a!b', 'g1|a#', 'g1|a/'].sort(byCodeUnits),
      );
      assert.deepEqual(
        (await store.list('docs', 'g1|a/')).map((d) => d.key),
        ['g1|a/'],
      );
      assert.deepEqual(await store.list('docs', 'nope'), []);
      assert.deepEqual(
        (await store.list('docs')).map((d) => d.key),
        [...OTHER_KEYS, ...PREFIX_KEYS].sort(byCodeUnits),
      );
    });

    it('lists many documents completely and in order', async () => {
      const keys = Array.from({ length: 60 }, (_, i) => `many|${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((key, i) => store.put('docs', key, i)));
      await store.put('docs', 'manz', -1);
      const listed = await store.list<number>('docs', 'many|');
      assert.deepEqual(
        listed.map((d) => d.key),
        keys,
      );
      assert.deepEqual(
        listed.map((d) => d.value),
        keys.map((_, i) => i),
      );
    });

    it('keeps collections apart, even when one name is a prefix of another', async () => {
      await store.put('inv', 'k', 'short');
      await store.put('invitations', 'k', 'long');
      await store.put('invitations', 'only-here', 'x');
      assert.equal((await store.get('inv', 'k'))?.value, 'short');
      assert.equal((await store.get('invitations', 'k'))?.value, 'long');
      assert.equal(await store.get('inv', 'only-here'), undefined);
      assert.deepEqual(
        (await store.list('inv')).map((d) => d.value),
        ['short'],
      );
      await store.delete('inv', 'k');
      assert.equal((await store.get('invitations', 'k'))?.value, 'long');
      assert.deepEqual(await store.list('empty-collection'), []);
    });

    it('deletes a document; deleting a missing one is fine', async () => {
      await store.put('docs', 'k', 1);
      await store.delete('docs', 'k');
      assert.equal(await store.get('docs', 'k'), undefined);
      assert.deepEqual(await store.list('docs'), []);
      await store.delete('docs', 'k');
      await store.delete('never-written', 'k');
      const etag = await store.put('docs', 'k', 2, { ifNoneMatch: '*' });
      assert.equal((await store.get('docs', 'k'))?.etag, etag);
    });

    it('deletes with ifMatch of the current etag, refuses a stale one, and ignores a missing document', async () => {
      const stale = await store.put('docs', 'k', 1);
      const current = await store.put('docs', 'k', 2);
      await assert.rejects(store.delete('docs', 'k', { ifMatch: stale }), isConcurrencyError);
      assert.equal((await store.get('docs', 'k'))?.value, 2);
      await store.delete('docs', 'k', { ifMatch: current });
      assert.equal(await store.get('docs', 'k'), undefined);
      await store.delete('docs', 'k', { ifMatch: current });
    });
  });
}

const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'guestpass-store-'));
  tempDirs.push(dir);
  return dir;
};
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

storeContract('MemoryStore', () => new MemoryStore());
storeContract('FileStore', () => new FileStore(tempDir()));

describe('FileStore on disk', () => {
  it('ignores a temporary file left by a crash mid-write, in get and in list', async () => {
    const dir = tempDir();
    const store = new FileStore(dir);
    const etag = await store.put('docs', 'k', { v: 'committed' });
    const [committed] = readdirSync(path.join(dir, 'docs'));
    assert.ok(committed?.endsWith('.json'));
    // A crash between writeFile and rename: half of the next version of k, and half of a document
    // that was never committed at all.
    writeFileSync(path.join(dir, 'docs', `${committed}.5d1a6b2e-crash.tmp`), '{"key":"k","etag":"x","value":{"v":"hal');
    writeFileSync(path.join(dir, 'docs', '0123456789abcdef0123456789abcdef01234567.json.0000-crash.tmp'), '{"key":"ghost","et');
    assert.deepEqual(await store.get('docs', 'k'), { key: 'k', value: { v: 'committed' }, etag });
    assert.equal(await store.get('docs', 'ghost'), undefined);
    assert.deepEqual(await store.list('docs'), [{ key: 'k', value: { v: 'committed' }, etag }]);
    const next = await store.put('docs', 'k', { v: 'next' }, { ifMatch: etag });
    assert.deepEqual(await new FileStore(dir).list('docs'), [{ key: 'k', value: { v: 'next' }, etag: next }]);
  });

  it('keeps its documents and etags for a new instance on the same directory (a restart)', async () => {
    const dir = tempDir();
    const before = new FileStore(dir);
    const etag = await before.put('invitations', 'g|a@contoso.com', { state: 'invited' });
    await before.put('audit', 'g|2024|1', { what: 'invited' }, { ifNoneMatch: '*' });
    const after = new FileStore(dir);
    assert.deepEqual(await after.get('invitations', 'g|a@contoso.com'), { key: 'g|a@contoso.com', value: { state: 'invited' }, etag });
    assert.deepEqual(
      (await after.list('audit', 'g|')).map((d) => d.value),
      [{ what: 'invited' }],
    );
    await assert.rejects(after.put('audit', 'g|2024|1', {}, { ifNoneMatch: '*' }), isConcurrencyError);
    await after.put('invitations', 'g|a@contoso.com', { state: 'redeemed' }, { ifMatch: etag });
  });
});

describe('AzureTableStore on Azurite', () => {
  let azurite: Azurite;
  let tables = 0;
  /** A fresh table per store keeps the tests independent; all share one Azurite. */
  const newTable = () => `guestpass${process.pid}t${++tables}`;

  before(async () => {
    azurite = await startAzurite();
  });
  after(async () => {
    await azurite?.stop();
  });

  // A page of 7 entities, so every list in the contract crosses several pages.
  storeContract('AzureTableStore', () => new AzureTableStore(azurite.connectionString, { tableName: newTable(), pageSize: 7 }));

  it('encodes keys into allowed, prefix-preserving table keys and back', async () => {
    for (const key of [...AWKWARD_KEYS, ...PREFIX_KEYS, 'a\ud800', '!!!!', '!0021']) {
      const encoded = encodeKey(key);
      assert.match(encoded, /^[0-9A-Za-z\-.:@_|!]*$/);
      assert.equal(decodeKey(encoded), key);
    }
    assert.notEqual(encodeKey('bang!0041'), encodeKey('bangA'));
    const tableName = newTable();
    const store = new AzureTableStore(azurite.connectionString, { tableName });
    for (const key of AWKWARD_KEYS) await store.put('any collection/#?', key, 1);
    const raw = TableClient.fromConnectionString(azurite.connectionString, tableName, { allowInsecureConnection: true });
    const rowKeys: string[] = [];
    for await (const entity of raw.listEntities()) {
      assert.equal(entity.partitionKey, encodeKey('any collection/#?'));
      rowKeys.push(entity.rowKey!);
    }
    assert.deepEqual(rowKeys.map(decodeKey).sort(byCodeUnits), [...AWKWARD_KEYS].sort(byCodeUnits));
  });

  it('lists past the service page of 1,000 entities', async () => {
    const store = new AzureTableStore(azurite.connectionString, { tableName: newTable() });
    const keys = Array.from({ length: 1_050 }, (_, i) => `g|${String(i).padStart(4, '0')}`);
    for (let at = 0; at < keys.length; at += 50) {
      await Promise.all(keys.slice(at, at + 50).map((key) => store.put('audit', key, { key })));
    }
    await store.put('audit', 'h|0', {});
    const listed = await store.list<{ key: string }>('audit', 'g|');
    assert.equal(listed.length, 1_050);
    assert.deepEqual(
      listed.map((d) => d.key),
      keys,
    );
  });

  it('round-trips documents dense in multi-byte characters (Azurite decodes request bodies chunk by chunk)', async () => {
    const store = new AzureTableStore(azurite.connectionString, { tableName: newTable() });
    for (const value of ['é'.repeat(60_000), '😀'.repeat(30_000), { text: 'ü€'.repeat(25_000) }]) {
      const etag = await store.put('docs', 'dense', value);
      assert.deepEqual(await store.get('docs', 'dense'), { key: 'dense', value, etag });
    }
  });

  it('refuses a document too large for one entity, with a clear error, and stores nothing', async () => {
    const store = new AzureTableStore(azurite.connectionString, { tableName: newTable() });
    await assert.rejects(store.put('docs', 'huge', 'x'.repeat(600_000)), (e) => e instanceof DocumentTooLargeError && /at most/.test(e.message));
    assert.equal(await store.get('docs', 'huge'), undefined);
  });

  describe('two bot instances on one table', () => {
    let a: AzureTableStore;
    let b: AzureTableStore;
    beforeEach(() => {
      const tableName = newTable();
      a = new AzureTableStore(azurite.connectionString, { tableName });
      b = new AzureTableStore(azurite.connectionString, { tableName });
    });

    it('see each other’s writes and deletes', async () => {
      const etag = await a.put('invitations', 'g|x@fabrikam.com', { state: 'invited' });
      assert.deepEqual(await b.get('invitations', 'g|x@fabrikam.com'), { key: 'g|x@fabrikam.com', value: { state: 'invited' }, etag });
      const next = await b.put('invitations', 'g|x@fabrikam.com', { state: 'redeemed' }, { ifMatch: etag });
      assert.deepEqual(await a.list('invitations', 'g|'), [{ key: 'g|x@fabrikam.com', value: { state: 'redeemed' }, etag: next }]);
      await assert.rejects(a.put('invitations', 'g|x@fabrikam.com', { state: 'stale' }, { ifMatch: etag }), isConcurrencyError);
      await a.delete('invitations', 'g|x@fabrikam.com', { ifMatch: next });
      assert.equal(await b.get('invitations', 'g|x@fabrikam.com'), undefined);
    });

    it('resolve their ETag races to exactly one winner', async () => {
      for (let round = 0; round < 10; round++) {
        const key = `g|u${round}`;
        const etag = await a.put('pendingAdds', key, { attempts: 0 });
        const results = await Promise.allSettled([
          a.put('pendingAdds', key, { attempts: 1, by: 'a' }, { ifMatch: etag }),
          b.put('pendingAdds', key, { attempts: 1, by: 'b' }, { ifMatch: etag }),
        ]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results));
        assert.ok(results.every((r) => r.status === 'fulfilled' || isConcurrencyError(r.reason)));
        const created = await Promise.allSettled([
          a.put('audit', `${key}|once`, 'a', { ifNoneMatch: '*' }),
          b.put('audit', `${key}|once`, 'b', { ifNoneMatch: '*' }),
        ]);
        assert.equal(created.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(created));
      }
    });
  });

  it('is what createStore picks when a connection string is set; otherwise the file store', async () => {
    const shared = createStore({ dataDir: tempDir(), storageConnectionString: azurite.connectionString });
    assert.ok(shared instanceof AzureTableStore);
    assert.equal(await shared.ping(), true);
    assert.ok(createStore({ dataDir: tempDir() }) instanceof FileStore);
    assert.ok(createStore({ dataDir: tempDir(), storageConnectionString: '  ' }) instanceof FileStore);
    assert.equal(isInsecureConnectionString(azurite.connectionString), true);
    assert.equal(isInsecureConnectionString('DefaultEndpointsProtocol=https;AccountName=a;AccountKey=a2V5;EndpointSuffix=core.windows.net'), false);
    assert.equal(isInsecureConnectionString('UseDevelopmentStorage=true'), true);
  });
});

describe('choosing the store from configuration', () => {
  it('uses the table endpoint with an Entra credential when only AZURE_STORAGE_ACCOUNT_URL is set', () => {
    const credential = { getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 60_000 }) };
    const store = createStore({ dataDir: '.data', storageAccountUrl: 'https://account.table.core.windows.net' }, credential);
    assert.ok(store instanceof AzureTableStore);
    assert.ok(createStore({ dataDir: '.data', storageAccountUrl: 'https://account.table.core.windows.net' }) instanceof FileStore, 'no credential, no table store');
  });
});
