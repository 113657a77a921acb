// Recording workflow histories for test/workflows/recorded-histories.test.ts: with OTKLIK_RECORD_HISTORIES
// set to a folder, every workflow the tests start (through any Temporal client of the test process,
// the in-process API's included) has the history of each of its runs written there after each test,
// one file per run named by workflow type, binary as the server sends it:
//   OTKLIK_RECORD_HISTORIES=test/workflows/histories npx mocha test/workflows/poll.test.ts …
import fs from 'node:fs';
import path from 'node:path';
import { WorkflowClient } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

interface Started {
  client: WorkflowClient;
  runs: Set<string>;
}

const started = new Map<string, Started>();

/** The workflow id a start method was called for (its options, or the update-with-start's operation's). */
function workflowIdOf(method: string, args: unknown[]): string | undefined {
  const options = method.endsWith('UpdateWithStart')
    ? (args[1] as { startWorkflowOperation?: { options?: { workflowId?: string } } } | undefined)?.startWorkflowOperation?.options
    : (args[1] as { workflowId?: string } | undefined);
  return options?.workflowId;
}

/** Wraps the client's start methods so that each workflow started is remembered with its first run. */
export function recordStartedWorkflows(): void {
  const methods = WorkflowClient.prototype as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of ['start', 'execute', 'signalWithStart', 'startUpdateWithStart', 'executeUpdateWithStart']) {
    const original = methods[method];
    methods[method] = async function (this: WorkflowClient, ...args: unknown[]) {
      const result = await original.apply(this, args);
      const workflowId = workflowIdOf(method, args);
      if (workflowId) {
        const entry = started.get(workflowId) ?? { client: this, runs: new Set<string>() };
        const firstRun = (result as { firstExecutionRunId?: string } | undefined)?.firstExecutionRunId;
        if (firstRun) entry.runs.add(firstRun);
        started.set(workflowId, entry);
      }
      return result;
    };
  }
}

/** Writes the history of every run of the workflows started since the last call into `dir`. */
export async function writeStartedHistories(dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const [workflowId, { client, runs }] of started) {
    runs.add((await client.getHandle(workflowId).describe()).runId);
    for (const runId of runs) {
      const history = await client.getHandle(workflowId, runId).fetchHistory();
      const type = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown';
      const file = `${type}.${workflowId.replace(/[^\w.-]/g, '_')}.${runId.slice(0, 8)}.history.bin`;
      fs.writeFileSync(path.join(dir, file), temporal.api.history.v1.History.encode(history).finish());
    }
  }
  started.clear();
}
