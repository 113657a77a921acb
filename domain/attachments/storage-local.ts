// Attachments in a local directory: the embedded default (`npm start` keeps them in data/attachments).
// A file is written to a temporary name in the same directory and renamed once complete and of the
// announced size, so a crash never leaves half a file under its final name (rename is atomic within
// one file system); leftovers are only ever `.partial-*` files.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkKey, StoredFileMissing, type AttachmentStorage, type PutOptions, type StoredFile } from './storage-types';

export class LocalAttachmentStorage implements AttachmentStorage {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  private pathOf(key: string): string {
    const file = path.join(this.dir, ...checkKey(key).split('/'));
    if (!file.startsWith(this.dir + path.sep)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return file;
  }

  async put(key: string, body: Readable | Buffer, options: PutOptions): Promise<void> {
    const target = this.pathOf(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const partial = path.join(path.dirname(target), `.partial-${randomUUID()}`);
    let written = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, done) {
        written += chunk.length;
        if (written > options.size) done(new Error(`body of ${key} is longer than the announced ${options.size} bytes`));
        else done(null, chunk);
      },
    });
    try {
      const out = fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 });
      await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, count, out);
      if (written !== options.size) throw new Error(`body of ${key} has ${written} bytes, not the announced ${options.size}`);
      // The bytes reach the disk before the name does: after a power loss the final name never holds less.
      const handle = await fs.promises.open(partial, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.promises.rename(partial, target);
    } catch (e) {
      await fs.promises.rm(partial, { force: true });
      throw e;
    }
  }

  async get(key: string): Promise<StoredFile> {
    const file = this.pathOf(key);
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoredFileMissing(key);
      throw e;
    }
    // Size and stream of the same open file, even if the key is deleted meanwhile.
    const { size } = await handle.stat();
    return { stream: handle.createReadStream(), size };
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  describe(): string {
    return `local directory ${this.dir}`;
  }
}
