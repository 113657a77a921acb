// The benchmark's command line (ops/bench/run.ts settingsFromArgs): presets, and the options that change them.
import assert from 'node:assert/strict';
import { PRESETS, settingsFromArgs } from '../../ops/bench/run';

describe('bench command line', () => {
  it('sizes the term burst and how long to wait for its workflows, over the preset', () => {
    assert.deepEqual(settingsFromArgs([]).settings.termBurst, PRESETS.small.termBurst);
    const { settings, opts } = settingsFromArgs(['--term-burst', '10000', '--term-burst-timeout', '900']);
    assert.deepEqual(settings.termBurst, { ...PRESETS.small.termBurst, appeals: 10_000, timeoutSeconds: 900 });
    assert.equal(opts.command, 'npm run bench -- --term-burst 10000 --term-burst-timeout 900');
    assert.equal(settingsFromArgs(['--scale', 'full', '--term-burst-timeout', '60']).settings.termBurst?.timeoutSeconds, 60);
  });

  it('refuses a wait that is not a positive number', () => {
    for (const bad of ['0', '-5', 'long']) {
      assert.throws(() => settingsFromArgs([`--term-burst-timeout=${bad}`]), /--term-burst-timeout expects a positive number/);
    }
  });
});
