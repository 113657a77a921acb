// The ceiling: how many minimal workflows per second the same Temporal server completes. A worker of
// the bench-only bundle (ops/bench/workflows.ts) runs in this process on a task queue of its own; N
// concurrent clients each start a workflow and wait for its result, then start the next.
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectTemporalWorker } from '../../domain/readiness';
import { closedLoop, round2, type LatencyStats } from './load';
import type { Platform } from './platform';
import type { minimalWorkflow } from './workflows';

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
      let n = 0;
      const fire = async () => {
        const t0 = performance.now();
        const id = `bench-minimal-${process.pid}-${n++}`;
        try {
          await platform.temporal.workflow.execute<typeof minimalWorkflow>('minimalWorkflow', { taskQueue, workflowId: id });
          return { ok: true, status: 200, ms: performance.now() - t0, attempts: 1 };
        } catch {
          return { ok: false, status: 0, ms: performance.now() - t0, attempts: 1 };
        }
      };
      if (settings.warmup > 0) await closedLoop(settings.concurrency, { count: settings.warmup }, fire);
      log(`ceiling: ${settings.workflows} minimal workflows, ${settings.concurrency} concurrent clients`);
      const r = await closedLoop(settings.concurrency, { count: settings.workflows }, fire);
      return {
        ...settings, taskQueue, seconds: round2(r.seconds), completed: r.ok, errors: r.errors, perSecond: round2(r.perSecond),
        latency: r.latency,
      };
    });
  } finally {
    await connection.close();
  }
}
