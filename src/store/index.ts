// Chooses the store adapter from the run contract (PRODUCT.md section 7): Azure Table Storage when
// AZURE_STORAGE_CONNECTION_STRING is set (several instances share it), else the embedded file
// store under DATA_DIR (one instance per directory).
import path from 'node:path';
import type { DocumentStore } from '../domain/store';
import { AzureTableStore } from './azureTableStore';
import { FileStore } from './fileStore';

export interface StoreConfig {
  dataDir: string;
  storageConnectionString?: string;
}

export function createStore(config: StoreConfig): DocumentStore {
  const connectionString = config.storageConnectionString?.trim();
  return connectionString ? new AzureTableStore(connectionString) : new FileStore(path.resolve(config.dataDir));
}

export { AzureTableStore } from './azureTableStore';
export { FileStore } from './fileStore';
export { MemoryStore } from './memoryStore';
