import assert from 'node:assert/strict';
import path from 'node:path';
import { projectRoot } from '../../ops/embedded';
import { areaOf, summarise } from '../../ops/bench/profile-summary';

const file = (rel: string) => `file://${path.join(projectRoot, rel)}`;

describe('ops/bench/profile-summary', () => {
  it('names the area of a frame: a package (scoped too), a project folder, Node, V8', () => {
    assert.equal(areaOf(file('node_modules/knex/lib/query.js'), 'toSQL'), 'knex');
    assert.equal(areaOf(file('node_modules/@temporalio/worker/lib/worker.js'), 'run'), '@temporalio/worker');
    assert.equal(areaOf(file('activities/appeal.ts'), 'project'), 'activities/');
    assert.equal(areaOf('node:net', 'writev'), 'node');
    assert.equal(areaOf('', '(garbage collector)'), '(garbage collector)');
    assert.equal(areaOf('', 'writev'), '(native)');
  });

  it('sums self time by area and function, inclusive time of project functions once per stack, idle left out', () => {
    const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({ id, callFrame: { functionName, url, lineNumber: 9 }, children });
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 5]),
        frame(2, 'project', file('activities/appeal.ts'), [3]),
        frame(3, 'recurse', file('activities/appeal.ts'), [4]),
        frame(4, 'toSQL', file('node_modules/knex/lib/query.js')),
        frame(5, '(idle)', ''),
      ],
      // 3 ms in knex under project → recurse, 1 ms in recurse itself, 5 ms idle.
      samples: [4, 4, 4, 3, 5],
      timeDeltas: [1000, 1000, 1000, 1000, 5000],
    };
    const s = summarise(profile);
    assert.equal(s.totalMs, 4);
    assert.deepEqual(s.areas, [['knex', 3], ['activities/', 1]]);
    assert.deepEqual(s.self[0], ['toSQL node_modules/knex/lib/query.js:10', 3]);
    assert.deepEqual(Object.fromEntries(s.projectInclusive), {
      'project activities/appeal.ts:10': 4,
      'recurse activities/appeal.ts:10': 4,
    });
  });
});
