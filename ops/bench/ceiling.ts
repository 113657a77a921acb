// The ceiling: how many minimal workflows per second the same Temporal server completes. A worker of
// the bench-only bundle (ops/bench/workflows.ts) runs in this process on a task queue of its own; N
// concurrent clients each start a workflow and wait for its result, then start the next. Then, with the
// same worker and clients, as many appeal-shaped workflows (an appeal's Temporal interactions, no I/O):
// each client starts one with an appeal's search attributes and registers it by update-with-start, and
// awaits the registration.
import { WithStartWorkflowOperation } from '@temporalio/client';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectTemporalWorker } from '../../domain/readiness';
import { closedLoop, round2, type LatencyStats, type Submission } from './load';
import type { Platform } from './platform';
import { caseSearchAttributes } from '../../workflows/shared/search';
import { shapedRegistration, type appealShapedWorkflow, type minimalWorkflow } from './workflows';

export interface CeilingSettings {
  workflows: number;
  concurrency: number;
  warmup: number;
}

export interface CeilingResult extends CeilingSettings {
  taskQueue: string;
  seconds: number;
  completed: number;
  errors: number;
  perSecond: number;
  /** Start to result, per workflow, as the client sees it. */
  latency: LatencyStats;
  /** Appeal-shaped workflows (ops/bench/workflows.ts), as many: started and registered per second. */
  shaped?: { completed: number; errors: number; seconds: number; perSecond: number; latency: LatencyStats };
}

/** One workflow per call, timed from the client's side for closedLoop; a failure counts, never throws. */
function timed(run: () => Promise<unknown>): () => Promise<Submission> {
  return async () => {
    const t0 = performance.now();
    try {
      await run();
      return { ok: true, status: 200, ms: performance.now() - t0, attempts: 1 };
    } catch {
      return { ok: false, status: 0, ms: performance.now() - t0, attempts: 1 };
    }
  };
}

let started = 0;

/** One minimal workflow per call, started on `taskQueue` (a worker of ceilingBundle polls it) and awaited. */
export function minimalCall(platform: Platform, taskQueue: string): () => Promise<Submission> {
  return timed(() => platform.temporal.workflow.execute<typeof minimalWorkflow>('minimalWorkflow', { taskQueue, workflowId: `bench-minimal-${process.pid}-${started++}` }));
}

/** The search attributes an appeal starts with (domain/cases/intake.ts), for a registered case of the bench. */
const SHAPED_ATTRIBUTES = caseSearchAttributes({
  caseType: 'appeal', status: 'registered', regionId: 'bench', categoryId: 'bench.category', organisationId: 'bench.organisation',
  answerDueAt: '2099-01-01T00:00:00.000Z', overdue: false,
});

/** One appeal-shaped workflow per call: started and registered by update-with-start, as the API does an appeal. */
export function shapedCall(platform: Platform, taskQueue: string): () => Promise<Submission> {
  return timed(() => {
    const workflowId = `bench-shaped-${process.pid}-${started++}`;
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof appealShapedWorkflow>('appealShapedWorkflow', {
      workflowId, taskQueue, args: [workflowId], workflowIdConflictPolicy: 'FAIL', typedSearchAttributes: SHAPED_ATTRIBUTES,
    });
    return platform.temporal.workflow.executeUpdateWithStart(shapedRegistration, { startWorkflowOperation });
  });
}

/** The bench-only bundle; built while the platform starts, since webpack takes seconds. */
export function ceilingBundle(): Promise<WorkflowBundleWithSourceMap> {
  const quiet = () => undefined;
  return bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (m: string) => console.error(m) },
  });
}

export async function measureCeiling(
  platform: Platform, settings: CeilingSettings, log: (line: string) => void, bundle: Promise<WorkflowBundleWithSourceMap> = ceilingBundle(),
): Promise<CeilingResult> {
  const taskQueue = `bench-ceiling-${process.pid}`;
  const connection = await connectTemporalWorker(platform.temporalAddress);
  try {
    const worker = await Worker.create({ connection, namespace: 'default', taskQueue, workflowBundle: await bundle });
    return await worker.runUntil(async () => {
      const minimal = minimalCall(platform, taskQueue);
      const shaped = shapedCall(platform, taskQueue);
      if (settings.warmup > 0) await closedLoop(settings.concurrency, { count: settings.warmup }, minimal);
      log(`ceiling: ${settings.workflows} minimal workflows, ${settings.concurrency} concurrent clients`);
      const r = await closedLoop(settings.concurrency, { count: settings.workflows }, minimal);
      log(`ceiling: ${settings.workflows} appeal-shaped workflows (search attributes and update-with-start, registered in the first task, a timer)`);
      const s = await closedLoop(settings.concurrency, { count: settings.workflows }, shaped);
      log(`ceiling: appeal-shaped ${round2(s.perSecond)}/s`);
      return {
        ...settings, taskQueue, seconds: round2(r.seconds), completed: r.ok, errors: r.errors, perSecond: round2(r.perSecond),
        latency: r.latency,
        shaped: { completed: s.ok, errors: s.errors, seconds: round2(s.seconds), perSecond: round2(s.perSecond), latency: s.latency },
      };
    });
  } finally {
    await connection.close();
  }
}
