// The attachment storage contract, run against both backends: a local directory and an S3-compatible
// server (moto, installed from PyPI by ops/install-s3-server.sh). Put, get, delete, a missing key, a
// body of the wrong length (nothing stored), and a file larger than memory-friendly buffers, streamed.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LocalAttachmentStorage, S3AttachmentStorage, StoredFileMissing, type AttachmentStorage } from '../../domain/attachments/storage';
import { startS3Server, type S3Server } from '../support/s3';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

/** `total` bytes of pseudo-random content in 64 KB chunks, hashed as they are produced. */
function generated(total: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let left = total;
  const stream = new Readable({
    read() {
      if (left === 0) return void this.push(null);
      const chunk = randomBytes(Math.min(65_536, left));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

async function missing(storage: AttachmentStorage, key: string): Promise<void> {
  await assert.rejects(storage.get(key), (e: unknown) => e instanceof StoredFileMissing && e.key === key);
}

function contract(name: string, make: () => Promise<AttachmentStorage>): void {
  describe(`attachment storage contract: ${name}`, function () {
    this.timeout(120_000);
    let storage: AttachmentStorage;
    before(async () => {
      storage = await make();
    });

    it('gives back what was put, byte for byte, with its size', async () => {
      const body = Buffer.from('Фото ямы на ул. Ленина\n');
      await storage.put('ab/first', body, { contentType: 'text/plain; charset=utf-8', size: body.length });
      const got = await storage.get('ab/first');
      assert.equal(got.size, body.length);
      assert.deepEqual(await readAll(got.stream), body);
    });

    it('answers StoredFileMissing for a key that holds nothing', async () => {
      await missing(storage, 'ab/never-put');
    });

    it('deletes, and deleting again (or a key never put) is not an error', async () => {
      const body = randomBytes(1000);
      await storage.put('cd/to-delete', body, { contentType: 'application/pdf', size: body.length });
      await storage.delete('cd/to-delete');
      await missing(storage, 'cd/to-delete');
      await storage.delete('cd/to-delete');
      await storage.delete('cd/never-put');
    });

    it('refuses a body of another length than announced, and stores nothing under the key', async () => {
      const body = randomBytes(100);
      await assert.rejects(storage.put('ef/short', body, { contentType: 'image/png', size: 101 }));
      await missing(storage, 'ef/short');
      await assert.rejects(storage.put('ef/long', body, { contentType: 'image/png', size: 99 }));
      await missing(storage, 'ef/long');
    });

    it('refuses keys that could leave its space', async () => {
      for (const key of ['../escape', 'a/../../b', '/absolute', 'a//b', '', 'a\\b']) {
        await assert.rejects(storage.put(key, Buffer.from('x'), { contentType: 'text/plain', size: 1 }), /invalid storage key/, key);
      }
    });

    it('streams a 24 MB file in and out without holding it whole', async () => {
      const size = 24 * 1024 * 1024;
      const source = generated(size);
      await storage.put('gh/large', source.stream, { contentType: 'application/pdf', size });
      const got = await storage.get('gh/large');
      assert.equal(got.size, size);
      const hash = createHash('sha256');
      let read = 0;
      for await (const c of got.stream) {
        hash.update(c as Buffer);
        read += (c as Buffer).length;
      }
      assert.equal(read, size);
      assert.equal(hash.digest('hex'), source.digest());
      await storage.delete('gh/large');
    });
  });
}

let dir: string;
contract('local directory', async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-storage-'));
  return new LocalAttachmentStorage(dir);
});

describe('attachment storage: local directory specifics', () => {
  it('leaves no partial file behind a failed put, and keeps files readable by the owner only', async () => {
    const storage = new LocalAttachmentStorage(fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-storage-')));
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1000));
        this.destroy(new Error('the client went away'));
      },
    });
    await assert.rejects(storage.put('ij/broken', failing, { contentType: 'image/png', size: 5000 }), /went away/);
    await missing(storage, 'ij/broken');
    assert.deepEqual(fs.readdirSync(path.join(storage.dir, 'ij')), [], 'a partial file was left');
    await storage.put('ij/kept', Buffer.from('ok'), { contentType: 'text/plain', size: 2 });
    assert.equal(fs.statSync(path.join(storage.dir, 'ij', 'kept')).mode & 0o777, 0o600);
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
});

let s3: S3Server | undefined;
contract('S3-compatible (moto_server)', async () => {
  s3 = await startS3Server();
  return new S3AttachmentStorage(s3.options);
});

describe('attachment storage: S3 specifics', () => {
  it('keeps objects under the attachments/ prefix of the bucket', async () => {
    const storage = new S3AttachmentStorage(s3!.options);
    await storage.put('kl/prefixed', Buffer.from('x'), { contentType: 'text/plain', size: 1 });
    const other = new S3AttachmentStorage({ ...s3!.options, prefix: 'attachments/kl/' });
    assert.deepEqual(await readAll((await other.get('prefixed')).stream), Buffer.from('x'));
    assert.match(storage.describe(), /^S3 bucket otklik-test at http:\/\/127\.0\.0\.1:\d+/);
  });

  after(async () => {
    await s3?.stop();
  });
});
