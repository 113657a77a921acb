// Start-up against services that are not ready yet: a Temporal frontend whose port is open but which
// answers "Frontend is not healthy yet" (the dev server right after it opens its port, or a cluster
// that is restarting), and a PostgreSQL that is not up yet. Every process waits for them with back-off
// up to OTKLIK_STARTUP_WAIT_SECONDS, says once what it waits for, and then either comes up or fails with
// a message that names the address.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { startEmbeddedPostgres } from '../../ops/embedded';
import { connectTemporalClient, ServiceUnavailableError, waitForDatabase } from '../../domain/readiness';
import { freePort } from '../support/ports';
import { freshDatabase } from '../support/postgres';
import { PlatformProcess, workerProcess } from '../support/processes';
import { devServerEnv } from '../support/temporal';
import { startUnhealthyFrontend, type UnhealthyFrontend } from '../support/unhealthy-frontend';

async function untilOutput(p: PlatformProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(p.output(100_000))) {
    if (!p.running) throw new Error(`${p.name} exited (${JSON.stringify(p.lastExit)}) before printing ${pattern}:\n${p.output()}`);
    if (Date.now() > deadline) throw new Error(`${p.name} did not print ${pattern} within ${timeoutMs} ms:\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('start-up: every process waits for services that are still coming up', function () {
  this.timeout(240_000);
  const frontends: UnhealthyFrontend[] = [];
  const processes: PlatformProcess[] = [];
  let scratch: string;

  before(() => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-startup-'));
  });
  after(async () => {
    for (const p of processes) await p.kill9();
    for (const f of frontends) await f.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('npm start waits for a Temporal frontend that is not healthy yet, says so once, then comes up', async () => {
    const temporal = await devServerEnv();
    const frontend = await startUnhealthyFrontend(temporal.address);
    frontends.push(frontend);
    const { url } = await freshDatabase('startup');
    const apiPort = await freePort();
    const start = new PlatformProcess('npm start', 'ops/start.ts', {
      DATABASE_URL: url, TEMPORAL_ADDRESS: frontend.address, TEMPORAL_TASK_QUEUE: `startup-${process.pid}`,
      PORT: String(apiPort), EMBEDDED_OIDC_PORT: String(await freePort()), OTKLIK_DATA_DIR: path.join(scratch, 'data'),
      LOG_LEVEL: 'warn',
    });
    processes.push(start);
    start.start();
    await untilOutput(start, /waiting for Temporal at 127\.0\.0\.1:\d+/, 60_000);
    // The frontend stays unhealthy for a few seconds more: the platform must keep waiting, not exit.
    await new Promise((r) => setTimeout(r, 3_000));
    assert.ok(start.running, `npm start gave up while the frontend was still coming up:\n${start.output()}`);
    assert.ok(frontend.refused() >= 2, `the frontend refused ${frontend.refused()} calls`);
    frontend.becomeHealthy();
    await untilOutput(start, /Отклик работает/, 120_000);
    const ready = await fetch(`http://127.0.0.1:${apiPort}/health/ready`);
    assert.equal(ready.status, 200);
    const waits = start.output(100_000).match(/waiting for Temporal at/g) ?? [];
    assert.equal(waits.length, 1, `"waiting for" is said once per connection attempt series:\n${start.output()}`);
    await start.stop();
  });

  it('a worker gives up on a frontend that never becomes healthy, with a message naming its address', async () => {
    const frontend = await startUnhealthyFrontend(null);
    frontends.push(frontend);
    const { url } = await freshDatabase('startup_never');
    const worker = workerProcess({
      DATABASE_URL: url, TEMPORAL_ADDRESS: frontend.address, TEMPORAL_TASK_QUEUE: `startup-never-${process.pid}`,
      OTKLIK_STARTUP_WAIT_SECONDS: '3',
    });
    processes.push(worker);
    worker.start();
    const code = await worker.exited();
    assert.notEqual(code, 0);
    assert.match(worker.output(), new RegExp(`Temporal at ${frontend.address.replace(/\./g, '\\.')} did not become available within 3 s: Failed to connect to Temporal server`));
    assert.ok(frontend.refused() >= 2, 'it retried before giving up');
  });

  it('the connection helper waits for a PostgreSQL that starts after it began waiting', async () => {
    const port = await freePort();
    const db = knexFactory({ client: 'pg', connection: `postgres://otklik:otklik@127.0.0.1:${port}/otklik`, pool: { min: 0, max: 1 } });
    const logged: string[] = [];
    const waiting = waitForDatabase(db, `127.0.0.1:${port}`, { waitSeconds: 60, log: (m) => logged.push(m) });
    await new Promise((r) => setTimeout(r, 1_500));
    const pg = await startEmbeddedPostgres(path.join(scratch, 'late-pg'), port);
    try {
      await waiting;
      assert.equal(logged.length, 1);
      assert.match(logged[0], new RegExp(`waiting for PostgreSQL at 127\\.0\\.0\\.1:${port} \\(up to 60 s\\)`));
    } finally {
      await db.destroy();
      await pg.stop();
    }
  });

  it('the connection helper fails at its limit with the last reason', async () => {
    const frontend = await startUnhealthyFrontend(null);
    frontends.push(frontend);
    await assert.rejects(
      connectTemporalClient(frontend.address, { waitSeconds: 1, log: () => undefined }),
      (e: unknown) => e instanceof ServiceUnavailableError && e.message.includes(frontend.address) && /within 1 s: Failed to connect/.test(e.message),
    );
  });
});
