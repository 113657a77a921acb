// Attachments in an S3-compatible bucket (production: AWS S3, MinIO, Ceph RGW, Yandex Object Storage…).
// A PutObject is atomic on the server: the object appears whole, or not at all.
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { checkKey, StoredFileMissing, type AttachmentStorage, type PutOptions, type StoredFile } from './storage-types';

export interface S3StorageOptions {
  bucket: string;
  /** e.g. https://storage.yandexcloud.net or http://127.0.0.1:9000; absent: AWS. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  /** Absent: the SDK's default credential chain (environment, instance role…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Keys are stored under this prefix (default 'attachments/'). */
  prefix?: string;
}

export class S3AttachmentStorage implements AttachmentStorage {
  readonly client: S3Client;
  private readonly prefix: string;

  constructor(readonly options: S3StorageOptions) {
    this.client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: options.credentials,
      // Checksums only where the operation requires them: S3-compatible servers differ in what they accept.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    this.prefix = options.prefix ?? 'attachments/';
  }

  private objectKey(key: string): string {
    return this.prefix + checkKey(key);
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions): Promise<void> {
    if (Buffer.isBuffer(body) && body.length !== options.size) throw new Error(`body of ${key} has ${body.length} bytes, not the announced ${options.size}`);
    // With ContentLength the SDK streams the body in one request; a shorter or longer body fails the request.
    await this.client.send(new PutObjectCommand({
      Bucket: this.options.bucket, Key: this.objectKey(key), Body: body, ContentLength: options.size, ContentType: options.contentType,
    }));
  }

  async get(key: string): Promise<StoredFile> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
      if (!(out.Body instanceof Readable)) throw new Error(`S3 GetObject of ${key} returned no stream`);
      return { stream: out.Body, size: Number(out.ContentLength) };
    } catch (e) {
      if (e instanceof NoSuchKey || (e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.$metadata.httpStatusCode === 404))) {
        throw new StoredFileMissing(key);
      }
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    // DeleteObject of a missing key succeeds: deleting is idempotent as the contract asks.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.objectKey(key) }));
  }

  describe(): string {
    return `S3 bucket ${this.options.bucket}${this.options.endpoint ? ` at ${this.options.endpoint}` : ''} (prefix ${this.prefix})`;
  }
}
