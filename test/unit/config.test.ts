import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../domain/config';

describe('configuration from the environment (domain/config/index.ts)', () => {
  it('bounds the worker cache only when asked, and refuses a value that is not a whole number', () => {
    assert.equal(loadConfig({}).workerMaxCachedWorkflows, undefined);
    assert.equal(loadConfig({ OTKLIK_WORKER_MAX_CACHED_WORKFLOWS: '500' }).workerMaxCachedWorkflows, 500);
    for (const bad of ['-1', '1.5', 'many']) {
      assert.throws(() => loadConfig({ OTKLIK_WORKER_MAX_CACHED_WORKFLOWS: bad }), (e: unknown) =>
        e instanceof ConfigError && /OTKLIK_WORKER_MAX_CACHED_WORKFLOWS/.test(e.message));
    }
  });
});
