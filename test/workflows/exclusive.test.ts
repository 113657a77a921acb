// The one-transition-at-a-time lock of the case workflows (workflows/shared/exclusive.ts), in a workflow
// of its own on the time-skipping server: transitions started in one step (as the handlers of two
// updates delivered in one workflow task are) run one after another, in the order they asked.
import assert from 'node:assert/strict';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { timeSkippingEnv } from '../support/temporal';
import type { exclusiveProbe } from './exclusive-workflows';

describe('workflows/shared/exclusive: one transition at a time', function () {
  this.timeout(120_000);

  it('lets in one of the transitions started in one step at a time, and the waiters in their order', async () => {
    const env = await timeSkippingEnv();
    const quiet = () => undefined;
    const workflowBundle = await bundleWorkflowCode({
      workflowsPath: require.resolve('./exclusive-workflows'),
      logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m: string) => console.error(m) },
    });
    const taskQueue = `exclusive-${process.pid}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    const result = await worker.runUntil(env.client.workflow.execute<typeof exclusiveProbe>('exclusiveProbe', {
      taskQueue, workflowId: `exclusive-${process.pid}`, args: [4],
    }));
    assert.deepEqual(result, { mostInside: 1, order: [0, 1, 2, 3] });
  });
});
