import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, DEFAULT_WORKER_MAX_CACHED_WORKFLOWS, DEFAULT_WORKER_HEAP_MIB, loadConfig } from '../../domain/config';

describe('configuration from the environment (domain/config/index.ts)', () => {
  it('bounds the worker cache by default, and refuses a value that is not a whole number', () => {
    assert.equal(loadConfig({}).workerMaxCachedWorkflows, DEFAULT_WORKER_MAX_CACHED_WORKFLOWS);
    assert.equal(loadConfig({ OTKLIK_WORKER_MAX_CACHED_WORKFLOWS: '500' }).workerMaxCachedWorkflows, 500);
    for (const bad of ['-1', '1.5', 'many']) {
      assert.throws(() => loadConfig({ OTKLIK_WORKER_MAX_CACHED_WORKFLOWS: bad }), (e: unknown) =>
        e instanceof ConfigError && /OTKLIK_WORKER_MAX_CACHED_WORKFLOWS/.test(e.message));
    }
  });

  it('caps the worker\'s heap by default; 0 leaves V8\'s own limit; a cap too small to start is refused', () => {
    assert.equal(loadConfig({}).workerHeapMiB, DEFAULT_WORKER_HEAP_MIB);
    assert.equal(loadConfig({ OTKLIK_WORKER_HEAP_MIB: '0' }).workerHeapMiB, 0);
    assert.equal(loadConfig({ OTKLIK_WORKER_HEAP_MIB: '1024' }).workerHeapMiB, 1024);
    // Node takes the limit only at launch: the worker script passes it, with this default.
    const script = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).scripts.worker;
    assert.match(script, new RegExp(`--max-old-space-size=\\$\\{OTKLIK_WORKER_HEAP_MIB:-${DEFAULT_WORKER_HEAP_MIB}\\} `));
    for (const bad of ['64', '-1', 'half']) {
      assert.throws(() => loadConfig({ OTKLIK_WORKER_HEAP_MIB: bad }), (e: unknown) => e instanceof ConfigError && /OTKLIK_WORKER_HEAP_MIB/.test(e.message), bad);
    }
  });

  it('serves the worker metrics only when given an address', () => {
    assert.equal(loadConfig({}).workerMetricsAddress, undefined);
    assert.equal(loadConfig({ OTKLIK_WORKER_METRICS_ADDRESS: '127.0.0.1:9464' }).workerMetricsAddress, '127.0.0.1:9464');
    assert.throws(() => loadConfig({ OTKLIK_WORKER_METRICS_ADDRESS: 'localhost' }), (e: unknown) => e instanceof ConfigError && /OTKLIK_WORKER_METRICS_ADDRESS/.test(e.message));
  });

  it('runs the dev server on WAL with synchronous=normal unless told otherwise', () => {
    assert.deepEqual(loadConfig({}).temporalSqlitePragmas, ['journal_mode=wal', 'synchronous=normal']);
    assert.deepEqual(loadConfig({ OTKLIK_TEMPORAL_SQLITE_PRAGMAS: 'synchronous=full' }).temporalSqlitePragmas, ['synchronous=full']);
    assert.deepEqual(loadConfig({ OTKLIK_TEMPORAL_SQLITE_PRAGMAS: '' }).temporalSqlitePragmas, []);
    assert.throws(() => loadConfig({ OTKLIK_TEMPORAL_SQLITE_PRAGMAS: 'journal_mode=wal;drop' }), (e: unknown) =>
      e instanceof ConfigError && /OTKLIK_TEMPORAL_SQLITE_PRAGMAS/.test(e.message));
  });

  it('waits 60 s for the services at start-up unless told otherwise, and refuses a non-number', () => {
    assert.equal(loadConfig({}).startupWaitSeconds, 60);
    assert.equal(loadConfig({ OTKLIK_STARTUP_WAIT_SECONDS: '5' }).startupWaitSeconds, 5);
    assert.throws(() => loadConfig({ OTKLIK_STARTUP_WAIT_SECONDS: 'soon' }), (e: unknown) =>
      e instanceof ConfigError && /OTKLIK_STARTUP_WAIT_SECONDS/.test(e.message));
  });

  it('proposes duplicates within 150 m and 30 days unless told otherwise, and refuses a value out of range', () => {
    assert.deepEqual(loadConfig({}).similarity, { distanceMetres: 150, periodDays: 30 });
    assert.deepEqual(loadConfig({ OTKLIK_DUPLICATE_DISTANCE_METRES: '300', OTKLIK_DUPLICATE_PERIOD_DAYS: '14' }).similarity, { distanceMetres: 300, periodDays: 14 });
    for (const [name, bad] of [['OTKLIK_DUPLICATE_DISTANCE_METRES', '0'], ['OTKLIK_DUPLICATE_PERIOD_DAYS', '400'], ['OTKLIK_DUPLICATE_PERIOD_DAYS', 'a month']]) {
      assert.throws(() => loadConfig({ [name]: bad }), (e: unknown) => e instanceof ConfigError && e.message.includes(name));
    }
  });
});
