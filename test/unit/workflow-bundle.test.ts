import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pruneBundles } from '../../ops/workflow-bundle';

describe('ops/workflow-bundle: old bundles pruned', () => {
  let dir: string;
  const day = 24 * 60 * 60 * 1000;
  const now = Date.now();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bundles-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function file(name: string, lastUsedDaysAgo: number): string {
    const f = path.join(dir, name);
    fs.writeFileSync(f, 'x');
    const t = new Date(now - lastUsedDaysAgo * day);
    fs.utimesSync(f, t, t);
    return f;
  }

  it('deletes other versions unused for longer than the keep time, and leftovers of builds; keeps the current, recent ones and foreign files', () => {
    const current = file('workflow-bundle-aaaaaaaaaaaaaaaa.js', 30);
    file('workflow-bundle-bbbbbbbbbbbbbbbb.js', 8);
    file('workflow-bundle-cccccccccccccccc.js', 2);
    file('workflow-bundle-dddddddddddddddd.js.1234.tmp', 9);
    file('notes.txt', 100);
    const deleted = pruneBundles(dir, current, 7 * day, now);
    assert.deepEqual(deleted.sort(), ['workflow-bundle-bbbbbbbbbbbbbbbb.js', 'workflow-bundle-dddddddddddddddd.js.1234.tmp']);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['notes.txt', 'workflow-bundle-aaaaaaaaaaaaaaaa.js', 'workflow-bundle-cccccccccccccccc.js']);
  });
});
