// Where attachment files live. The API stores and reads them only through AttachmentStorage, so the
// embedded default (a local directory) and production (an S3-compatible bucket) behave the same; the
// attachments table (db/migrations/20261127000024_attachments.ts) holds what is known about each file.
//
//   OTKLIK_ATTACHMENTS               local (default) or s3
//   OTKLIK_ATTACHMENTS_DIR           local: the directory (default <OTKLIK_DATA_DIR or data>/attachments)
//   OTKLIK_ATTACHMENTS_MAX_BYTES     largest accepted file (default 10485760, 10 MB)
//   S3_ENDPOINT                      s3: the endpoint URL (absent: AWS itself)
//   S3_BUCKET                        s3: the bucket (required)
//   S3_REGION                        s3: the region (default us-east-1)
//   S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY   s3: credentials (absent: the SDK's default chain)
//   S3_FORCE_PATH_STYLE              s3: bucket in the path, not the host name (default true when S3_ENDPOINT is set)
import path from 'node:path';
import { envFlag, envInteger, type Env } from '../config/env';
import { LocalAttachmentStorage } from './storage-local';
import { S3AttachmentStorage, type S3StorageOptions } from './storage-s3';

import type { AttachmentStorage } from './storage-types';

export * from './storage-types';

export const DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

export type AttachmentsConfig =
  | { backend: 'local'; dir: string; maxBytes: number }
  | { backend: 's3'; s3: S3StorageOptions; maxBytes: number };


/** The attachment settings from the environment, each bad value reported with its variable name. */
export function attachmentsConfigFromEnv(env: Env): { config: AttachmentsConfig; problems: string[] } {
  const problems: string[] = [];
  const maxBytes = envInteger(env, 'OTKLIK_ATTACHMENTS_MAX_BYTES', DEFAULT_MAX_ATTACHMENT_BYTES, { min: 1, max: 5 * 1024 ** 3, what: 'a number of bytes' }, problems);
  const backend = env.OTKLIK_ATTACHMENTS || 'local';
  if (backend === 's3') {
    const bucket = env.S3_BUCKET ?? '';
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) problems.push(`S3_BUCKET=${JSON.stringify(env.S3_BUCKET ?? '')}: expected a bucket name (OTKLIK_ATTACHMENTS=s3 needs one)`);
    const endpoint = env.S3_ENDPOINT || undefined;
    if (endpoint !== undefined) {
      try {
        if (!['http:', 'https:'].includes(new URL(endpoint).protocol)) throw new Error('protocol');
      } catch {
        problems.push('S3_ENDPOINT: expected a URL starting with http:// or https://');
      }
    }
    const accessKeyId = env.S3_ACCESS_KEY_ID || undefined;
    const secretAccessKey = env.S3_SECRET_ACCESS_KEY || undefined;
    if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY: give both or neither');
    // S3-compatible servers at an endpoint of their own (MinIO, moto) want path-style addressing.
    const forcePathStyle = envFlag(env, 'S3_FORCE_PATH_STYLE', endpoint !== undefined, problems);
    return {
      config: {
        backend: 's3', maxBytes,
        s3: {
          bucket, endpoint, region: env.S3_REGION || 'us-east-1', forcePathStyle,
          credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
        },
      },
      problems,
    };
  }
  if (backend !== 'local') problems.push(`OTKLIK_ATTACHMENTS=${JSON.stringify(backend)}: expected local or s3`);
  const dir = env.OTKLIK_ATTACHMENTS_DIR || path.join(env.OTKLIK_DATA_DIR || 'data', 'attachments');
  return { config: { backend: 'local', dir: path.resolve(dir), maxBytes }, problems };
}

export function createAttachmentStorage(config: AttachmentsConfig): AttachmentStorage {
  return config.backend === 's3' ? new S3AttachmentStorage(config.s3) : new LocalAttachmentStorage(config.dir);
}

export { LocalAttachmentStorage } from './storage-local';
export { S3AttachmentStorage, type S3StorageOptions } from './storage-s3';

/** What the API needs of attachments: the storage and the size limit (AppDeps.attachments). */
export interface AttachmentsDeps {
  storage: AttachmentStorage;
  maxBytes: number;
}

/** The API's attachment storage as the environment configures it (a bad value is an error naming it). */
export function attachmentsFromEnv(env: Env = process.env): AttachmentsDeps {
  const { config, problems } = attachmentsConfigFromEnv(env);
  if (problems.length > 0) throw new Error(`Invalid attachment storage configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { storage: createAttachmentStorage(config), maxBytes: config.maxBytes };
}
