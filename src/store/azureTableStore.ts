// The shared store: Azure Table Storage (or Azurite), for several bot instances over one state
// (PRODUCT.md section 7, AZURE_STORAGE_CONNECTION_STRING). One table; one entity per document:
//
//   PartitionKey = encodeKey(collection), RowKey = encodeKey(key)
//   json         = the value as JSON, ASCII only       (documents up to CHUNK_CHARS characters)
//   json, json1, json2, ... and chunks = n            (larger ones, split; at most MAX_JSON_CHARS)
//
// Concurrency is the service's own ETag: a conditional put is createEntity (If-None-Match: *) or
// updateEntity with If-Match, so two instances racing on one document resolve to exactly one winner.
//
// Key encoding. Table keys forbid `/ \ # ?` and control characters, and keys travel in request
// URLs and OData filters, so only letters, digits and `- . : @ _ |` pass through unchanged (ids and
// `groupId|email` keys stay readable in Storage Explorer); every other UTF-16 code unit, `!`
// itself included, becomes `!` plus four upper-case hex digits. Encoded keys are therefore ASCII
// below `~`. The code is prefix-free and applied character by character, so "key starts with p"
// is exactly "RowKey starts with encodeKey(p)", and a prefix listing is the one RowKey range
// [encodeKey(p), encodeKey(p) + '~'). The escape does not preserve order across escaped and plain
// characters (`!` sorts below digits, but `é` is above them), so list() sorts the decoded keys
// itself, by UTF-16 code units like the other adapters.
import type { TokenCredential } from '@azure/identity';
import {
  odata,
  TableClient,
  type TableEntity,
  type TableEntityResult,
} from '@azure/data-tables';
import { ConcurrencyError, type DocumentStore, type StoredDocument, type WriteCondition } from '../domain/store';

export const DEFAULT_TABLE_NAME = 'guestpass';

/** A string property holds at most 64 KiB (32 Ki UTF-16 units); chunks stay under it. */
const CHUNK_CHARS = 32_000;
/** An entity holds at most 1 MiB, strings counted as UTF-16: about 900 KB of (ASCII-escaped) JSON is the ceiling. */
export const MAX_JSON_CHARS = 450_000;
/** Keys are at most 1 KiB; encoded keys are ASCII. */
const MAX_KEY_CHARS = 1_024;

const PLAIN = /^[0-9A-Za-z\-.:@_|]$/;

/** Prefix-free, character-wise escape of any string into characters allowed in Table keys (see above). */
export function encodeKey(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    out += PLAIN.test(ch) ? ch : `!${raw.charCodeAt(i).toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

export function decodeKey(encoded: string): string {
  return encoded.replace(/!([0-9A-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** Thrown when a document is larger than one table entity can hold. */
export class DocumentTooLargeError extends Error {
  constructor(collection: string, key: string, chars: number) {
    super(`${collection}/${key} is ${chars} characters of JSON (non-ASCII counted as \\u escapes); the Azure Table store holds at most ${MAX_JSON_CHARS}`);
    this.name = 'DocumentTooLargeError';
  }
}

export interface AzureTableStoreOptions {
  tableName?: string;
  /** Entities per list request (the service's own maximum is 1,000); smaller only for tests. */
  pageSize?: number;
}

interface DocumentEntity {
  json?: string;
  chunks?: number;
  [chunk: `json${number}`]: string | undefined;
}

/** The service's ETag shape; any other string was never issued by a table, so it cannot match. */
const TABLE_ETAG = /^W\/"datetime'[^'"]+'"$/;

const statusOf = (e: unknown): number | undefined =>
  typeof e === 'object' && e !== null && 'statusCode' in e && typeof e.statusCode === 'number' ? e.statusCode : undefined;

/** Azurite (and any http:// endpoint) needs the SDK's explicit consent to send credentials in clear. */
export function isInsecureConnectionString(connectionString: string): boolean {
  const settings = new Map(
    connectionString
      .split(';')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const eq = part.indexOf('=');
        return [part.slice(0, eq).toLowerCase(), part.slice(eq + 1)] as const;
      }),
  );
  const endpoint = settings.get('tableendpoint');
  if (endpoint) return endpoint.toLowerCase().startsWith('http://');
  return settings.get('usedevelopmentstorage')?.toLowerCase() === 'true' || settings.get('defaultendpointsprotocol')?.toLowerCase() === 'http';
}

/**
 * JSON with every non-ASCII code unit written as a \uXXXX escape (still the same JSON). Azurite
 * decodes request bodies chunk by chunk, so a multi-byte UTF-8 character that straddles two
 * network chunks arrives mangled; ASCII bodies are immune, and the service is indifferent.
 */
function asciiJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function toEntity(collection: string, key: string, value: unknown): TableEntity<DocumentEntity> {
  const json = asciiJson(value);
  if (json.length > MAX_JSON_CHARS) throw new DocumentTooLargeError(collection, key, json.length);
  const entity: TableEntity<DocumentEntity> = { partitionKey: encodeKey(collection), rowKey: encodeKey(key) };
  if (entity.partitionKey.length > MAX_KEY_CHARS || entity.rowKey.length > MAX_KEY_CHARS) {
    throw new Error(`${collection}/${key}: the encoded key is longer than the ${MAX_KEY_CHARS} characters a table key holds`);
  }
  entity.json = json.slice(0, CHUNK_CHARS);
  if (json.length > CHUNK_CHARS) {
    let i = 1;
    for (let at = CHUNK_CHARS; at < json.length; at += CHUNK_CHARS) entity[`json${i++}`] = json.slice(at, at + CHUNK_CHARS);
    entity.chunks = i;
  }
  return entity;
}

function fromEntity<T>(entity: TableEntityResult<DocumentEntity>): StoredDocument<T> {
  let json = entity.json ?? 'null';
  for (let i = 1; i < (entity.chunks ?? 1); i++) json += entity[`json${i}`] ?? '';
  return { key: decodeKey(entity.rowKey ?? ''), value: JSON.parse(json) as T, etag: entity.etag };
}

export class AzureTableStore implements DocumentStore {
  private readonly client: TableClient;
  private readonly pageSize: number | undefined;
  private tableReady: Promise<void> | undefined;

  /**
   * @param connection a connection string, or the table endpoint URL with an Entra credential
   * (a managed identity holding Storage Table Data Contributor: no account key anywhere)
   */
  constructor(connection: string | { accountUrl: string; credential: TokenCredential }, options: AzureTableStoreOptions = {}) {
    const table = options.tableName ?? DEFAULT_TABLE_NAME;
    this.client =
      typeof connection === 'string'
        ? TableClient.fromConnectionString(connection, table, { allowInsecureConnection: isInsecureConnectionString(connection) })
        : new TableClient(connection.accountUrl, table, connection.credential);
    this.pageSize = options.pageSize;
  }

  /** Creates the table once per instance (it may already exist); retried after a failure. */
  private ready(): Promise<void> {
    this.tableReady ??= this.client.createTable().then(
      () => undefined,
      (e: unknown) => {
        if (statusOf(e) === 409) return; // TableAlreadyExists (or being deleted; later calls will say)
        this.tableReady = undefined;
        throw e;
      },
    );
    return this.tableReady;
  }

  async get<T>(collection: string, key: string): Promise<StoredDocument<T> | undefined> {
    await this.ready();
    try {
      return fromEntity<T>(await this.client.getEntity<DocumentEntity>(encodeKey(collection), encodeKey(key)));
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw e;
    }
  }

  async put<T>(collection: string, key: string, value: T, condition?: WriteCondition): Promise<string> {
    const entity = toEntity(collection, key, value);
    // The service answers a malformed If-Match with 400, not 412: decide those here.
    if (condition && 'ifMatch' in condition && !TABLE_ETAG.test(condition.ifMatch)) throw new ConcurrencyError(collection, key);
    await this.ready();
    try {
      const response = !condition
        ? await this.client.upsertEntity(entity, 'Replace')
        : 'ifNoneMatch' in condition
          ? await this.client.createEntity(entity)
          : await this.client.updateEntity(entity, 'Replace', { etag: condition.ifMatch });
      if (!response.etag) throw new Error(`${collection}/${key}: the table service returned no ETag`);
      return response.etag;
    } catch (e) {
      const status = statusOf(e);
      // 409: created by someone else; 412: changed by someone else; 404: an If-Match on a document
      // someone else deleted.
      if (condition && (status === 409 || status === 412 || status === 404)) throw new ConcurrencyError(collection, key);
      throw e;
    }
  }

  async list<T>(collection: string, prefix = ''): Promise<StoredDocument<T>[]> {
    await this.ready();
    const partitionKey = encodeKey(collection);
    const low = encodeKey(prefix);
    const filter = prefix
      ? odata`PartitionKey eq ${partitionKey} and RowKey ge ${low} and RowKey lt ${`${low}~`}`
      : odata`PartitionKey eq ${partitionKey}`;
    const docs: StoredDocument<T>[] = [];
    const pages = this.client.listEntities<DocumentEntity>({ queryOptions: { filter } }).byPage({ maxPageSize: this.pageSize });
    for await (const page of pages) {
      for (const entity of page) docs.push(fromEntity<T>(entity));
    }
    return docs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(collection: string, key: string, condition?: { ifMatch: string }): Promise<void> {
    if (condition && !TABLE_ETAG.test(condition.ifMatch)) {
      // Cannot match an existing document; deleting a missing one is fine, as in the other adapters.
      if (await this.get(collection, key)) throw new ConcurrencyError(collection, key);
      return;
    }
    await this.ready();
    try {
      await this.client.deleteEntity(encodeKey(collection), encodeKey(key), condition ? { etag: condition.ifMatch } : undefined);
    } catch (e) {
      const status = statusOf(e);
      if (status === 404) return;
      if (condition && status === 412) throw new ConcurrencyError(collection, key);
      throw e;
    }
  }

  /** One tiny query: true when the table answers, false otherwise. */
  async ping(): Promise<boolean> {
    try {
      await this.ready();
      const pages = this.client.listEntities({ queryOptions: { filter: odata`PartitionKey eq ${''}`, select: ['PartitionKey'] } }).byPage({ maxPageSize: 1 });
      await pages.next();
      return true;
    } catch {
      return false;
    }
  }
}
