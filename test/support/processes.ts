// The platform's own processes as children of a test, the way they run in production: the worker
// (`tsx ops/worker.ts`) and the API (`tsx api/server.ts`), configured by environment variables only.
// Fault tests kill them with SIGKILL and start them again.
//
// `tsx` runs the script in a child node process of its own, so a child is started in a process group
// of its own (detached) and signals go to the whole group: SIGKILL of the group kills the real worker,
// not just the tsx wrapper in front of it. Whatever is still running when the test process exits is
// killed with it.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { projectRoot, waitForPort } from '../../ops/embedded';

const tsxCli = path.join(projectRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Every process group started here and not yet seen to exit: killed when the test process exits. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Environment of a platform process (see domain/config/index.ts); other variables are inherited. */
export interface PlatformEnv {
  DATABASE_URL: string;
  TEMPORAL_ADDRESS: string;
  TEMPORAL_TASK_QUEUE: string;
  PORT?: string;
  SMTP_URL?: string;
  [name: string]: string | undefined;
}

const KEEP_OUTPUT = 200_000;

export class PlatformProcess {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<number | null> | undefined;
  private out = '';
  /** How many times the process was started. */
  starts = 0;
  /** When the current process was started. */
  startedAt = 0;
  lastExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  constructor(
    readonly name: string,
    readonly script: string,
    public env: PlatformEnv,
    private readonly logFile?: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The latest output of the process (stdout and stderr interleaved), for failure messages. */
  output(lastChars = 4000): string {
    return this.out.slice(-lastChars);
  }

  /** Starts the process; it is not necessarily ready when this returns (see the wait helpers). */
  start(): void {
    if (this.running) throw new Error(`${this.name} is running already (pid ${this.pid})`);
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [k, v] of Object.entries(this.env)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const child = spawn(process.execPath, [tsxCli, this.script], {
      cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${this.name}: spawn failed`);
    live.add(pid);
    this.child = child;
    this.starts += 1;
    this.startedAt = Date.now();
    const log = this.logFile ? fs.createWriteStream(this.logFile, { flags: 'a' }) : undefined;
    log?.write(`\n--- ${new Date().toISOString()} start #${this.starts} pid ${pid}\n`);
    const take = (chunk: Buffer) => {
      this.out = (this.out + chunk.toString('utf8')).slice(-KEEP_OUTPUT);
      log?.write(chunk);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        live.delete(pid);
        this.lastExit = { code, signal };
        log?.end(`\n--- exit code ${code} signal ${signal}\n`);
        resolve(code);
      });
    });
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, sig); // the group: tsx and the node process running the script
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
    }
  }

  /** kill -9 of the whole process group; resolves once it is gone. */
  async kill9(): Promise<void> {
    if (!this.child) return;
    this.signal('SIGKILL');
    await this.exitPromise;
  }

  /** SIGTERM (a clean stop), then SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.child || !this.running) return;
    this.signal('SIGTERM');
    const timer = setTimeout(() => this.signal('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
    // The wrapper may exit before the script; make sure nothing of the group outlives the stop.
    this.signal('SIGKILL');
  }

  /** Resolves with the exit code when the process ends. */
  exited(): Promise<number | null> {
    return this.exitPromise ?? Promise.resolve(null);
  }

  /** Fails fast with the process output when the process ends before `ready` resolves. */
  async untilReady<T>(what: string, ready: Promise<T>, timeoutMs: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        ready,
        this.exited().then((code) => {
          throw new Error(`${this.name} exited (code ${code}) before ${what}:\n${this.output()}`);
        }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${this.name}: no ${what} after ${timeoutMs} ms:\n${this.output()}`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The worker process: `tsx ops/worker.ts` (workflows, activities and the outbox dispatcher). */
export function workerProcess(env: PlatformEnv, logFile?: string): PlatformProcess {
  return new PlatformProcess('worker', 'ops/worker.ts', env, logFile);
}

/** The API process: `tsx api/server.ts` on env.PORT. */
export function apiProcess(env: PlatformEnv & { PORT: string }, logFile?: string): PlatformProcess {
  return new PlatformProcess('api', 'api/server.ts', env, logFile);
}

/** Starts the API process and waits until it accepts connections. */
export async function startApi(api: PlatformProcess, timeoutMs = 60_000): Promise<void> {
  api.start();
  await api.untilReady('an open port', waitForPort(Number(api.env.PORT), '127.0.0.1', timeoutMs), timeoutMs);
}

/** Identities of the processes polling the task queue for workflow tasks now. */
export async function pollerIdentities(client: Client, taskQueue: string, sinceMs = 0): Promise<string[]> {
  const res = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return (res.pollers ?? [])
    .filter((p) => {
      const t = p.lastAccessTime;
      const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
      return ms >= sinceMs;
    })
    .map((p) => p.identity ?? '');
}

/**
 * Starts the worker process and waits until it polls the task queue: a poller that was not there
 * before, which has asked for work since the process started.
 */
export async function startWorker(worker: PlatformProcess, client: Client, timeoutMs = 90_000): Promise<void> {
  const before = new Set(await pollerIdentities(client, worker.env.TEMPORAL_TASK_QUEUE).catch(() => []));
  worker.start();
  const since = worker.startedAt - 1000;
  let done = false;
  const polling = (async () => {
    while (!done) {
      const now = await pollerIdentities(client, worker.env.TEMPORAL_TASK_QUEUE, since).catch(() => [] as string[]);
      if (now.some((id) => !before.has(id))) return;
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  try {
    await worker.untilReady('a poller on the task queue', polling, timeoutMs);
  } finally {
    done = true;
  }
}

/** kill -9 of the worker, a pause (the time a supervisor takes to notice), and a start that waits for it to poll. */
export async function restartWorker(worker: PlatformProcess, client: Client, pauseMs = 500): Promise<void> {
  await worker.kill9();
  await new Promise((r) => setTimeout(r, pauseMs));
  await startWorker(worker, client);
}

/** kill -9 of the API, a pause, and a start that waits for its port. */
export async function restartApi(api: PlatformProcess, pauseMs = 1000): Promise<void> {
  await api.kill9();
  await new Promise((r) => setTimeout(r, pauseMs));
  await startApi(api);
}
