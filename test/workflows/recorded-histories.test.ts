// Histories recorded by earlier workflow code (test/workflows/histories/, one file per run, named by
// workflow type), replayed with today's: a change of a workflow that would fail the cases, events and
// publications already running (a nondeterminism error on their next task) fails here. Those there were
// recorded at d265d77, before the workflows' lock changed (workflows/shared/exclusive.ts), from the
// workflow suites (registration routed by the workflow and carried from the intake, every action, the
// timers, escalation, continue-as-new, every participation type) and the official pages' API suite, by
// test/support/record-histories.ts:
//   OTKLIK_RECORD_HISTORIES=test/workflows/histories npx mocha test/workflows/*.test.ts test/api/official-pages.test.ts
// The appeal suite's runs were recorded again at bb8b69d (runs that keep their deadline timer,
// AppealInput.keepsDeadlineTimer), beside the earlier ones.
// Add recordings when a workflow changes; keep older ones while runs started by their code may be open.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowBundle } from '../support/temporal';

const HISTORIES = path.join(__dirname, 'histories');

describe('workflows: histories recorded by earlier code replay with today\'s', function () {
  this.timeout(120_000);

  it('replays every recorded history without a nondeterminism error', async () => {
    const files = fs.readdirSync(HISTORIES).filter((f) => f.endsWith('.history.bin')).sort();
    const types = new Set(files.map((f) => f.split('.')[0]));
    for (const type of ['appealWorkflow', 'incidentWorkflow', 'pollWorkflow', 'voteWorkflow', 'discussionWorkflow', 'hearingWorkflow', 'publicationWorkflow']) {
      assert.ok(types.has(type), `expected recorded histories of ${type} in ${HISTORIES}`);
    }
    const bundle = await workflowBundle();
    for (const file of files) {
      const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES, file)));
      await Worker.runReplayHistory({ workflowBundle: bundle }, history, file);
    }
  });
});
