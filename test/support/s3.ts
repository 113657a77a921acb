// An S3-compatible server for the attachment storage tests: moto's standalone server (`moto_server`,
// installed from PyPI into .tools/moto by ops/install-s3-server.sh, pinned), on 127.0.0.1 and a free
// port, with a fresh bucket. It keeps everything in memory and is stopped by the test that started it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { projectRoot, waitForPort } from '../../ops/embedded';
import type { S3StorageOptions } from '../../domain/attachments/storage';
import { freePort } from './ports';

export const motoServerBin = path.join(projectRoot, '.tools', 'moto', 'bin', 'moto_server');

/** Installs the pinned moto server when it is absent (a no-op otherwise). */
export function ensureS3Server(): void {
  execFileSync('bash', [path.join(projectRoot, 'ops', 'install-s3-server.sh')], { stdio: 'inherit' });
}

export interface S3Server {
  endpoint: string;
  /** Options of an S3AttachmentStorage on a bucket created for the caller. */
  options: S3StorageOptions;
  output(): string;
  stop(): Promise<void>;
}

export async function startS3Server(bucket = 'otklik-test'): Promise<S3Server> {
  ensureS3Server();
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(motoServerBin, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  child.stdout!.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitForPort(port, '127.0.0.1', 30_000);
  } catch (e) {
    await stop();
    throw new Error(`moto_server did not start on port ${port}: ${(e as Error).message}\n${out}`);
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const options: S3StorageOptions = {
    bucket, endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  const admin = new S3Client({ region: options.region, endpoint, forcePathStyle: true, credentials: options.credentials });
  await admin.send(new CreateBucketCommand({ Bucket: bucket }));
  admin.destroy();
  return { endpoint, options, output: () => out, stop };
}
