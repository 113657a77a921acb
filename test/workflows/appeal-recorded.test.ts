// Appeal histories recorded by earlier workflow code (test/workflows/histories/), replayed with today's:
// a change of the workflow that would fail cases already running (a nondeterminism error on their next
// task) fails here. Recorded by the appeal workflow suite, whose cases cover registration (routed by the
// workflow and carried from the intake), every action, the timers, escalation and continue-as-new:
//   OTKLIK_RECORD_HISTORIES=test/workflows/histories npx mocha test/workflows/appeal.test.ts
// Add recordings when the workflow changes; keep older ones while cases started by their code may run.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/temporal';

const HISTORIES = path.join(__dirname, 'histories');

describe('appeal workflow: histories recorded by earlier code replay with today\'s', function () {
  this.timeout(120_000);

  it('replays every recorded history without a nondeterminism error', async () => {
    const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.history.bin')).sort();
    assert.ok(files.length >= 10, `expected the recorded histories in ${HISTORIES}`);
    const bundle = await workflowBundle();
    for (const file of files) {
      const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES, file)));
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, file);
    }
  });
});
