// Chooses the store adapter from the run contract (PRODUCT.md section 7): Azure Table Storage when
// AZURE_STORAGE_CONNECTION_STRING (or AZURE_STORAGE_ACCOUNT_URL with the app's managed identity)
// is set, so several instances share it; else the embedded file store under DATA_DIR (one
// instance per directory).
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { DocumentStore } from '../domain/store';
import type { AzureTableStore as AzureTableStoreType } from './azureTableStore';
import { FileStore } from './fileStore';

/** Loaded only when Azure Storage is configured: the file store needs none of @azure/data-tables. */
function azureTableStore(): typeof AzureTableStoreType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./azureTableStore') as typeof import('./azureTableStore')).AzureTableStore;
}

export interface StoreConfig {
  dataDir: string;
  storageConnectionString?: string;
  storageAccountUrl?: string;
}

export function createStore(config: StoreConfig, credential?: TokenCredential): DocumentStore {
  const connectionString = config.storageConnectionString?.trim();
  if (connectionString) return new (azureTableStore())(connectionString);
  if (config.storageAccountUrl && credential) return new (azureTableStore())({ accountUrl: config.storageAccountUrl, credential });
  return new FileStore(path.resolve(config.dataDir));
}

export { FileStore } from './fileStore';
export { MemoryStore } from './memoryStore';
