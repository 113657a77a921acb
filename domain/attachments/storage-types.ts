// The storage contract every backend fulfils (domain/attachments/storage-local.ts, domain/attachments/storage-s3.ts).
import type { Readable } from 'node:stream';

export interface PutOptions {
  contentType: string;
  /** The exact number of bytes the body has; a body of another length is refused and nothing is stored. */
  size: number;
}

export interface StoredFile {
  stream: Readable;
  size: number;
}

export interface AttachmentStorage {
  /** Stores the body under `key`, whole or not at all (never a partial file under the final key). */
  put(key: string, body: Readable | Buffer, options: PutOptions): Promise<void>;
  /** The stored file; throws StoredFileMissing when there is none under `key`. */
  get(key: string): Promise<StoredFile>;
  /** Removes the file; removing a key that holds nothing is not an error. */
  delete(key: string): Promise<void>;
  /** Where files go, for logs and `npm start`'s banner (never credentials). */
  describe(): string;
}

export class StoredFileMissing extends Error {
  constructor(readonly key: string) {
    super(`no stored file under key ${key}`);
    this.name = 'StoredFileMissing';
  }
}

/** Keys are made by the platform (see domain/attachments/attachments.ts); anything else is refused before it reaches a path or a URL. */
const KEY_SHAPE = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)*$/;

export function checkKey(key: string): string {
  if (!KEY_SHAPE.test(key) || key.length > 500 || key.split('/').some((s) => s === '..' || s === '.')) {
    throw new Error(`invalid storage key ${JSON.stringify(key)}`);
  }
  return key;
}
