// `ops stuck`: cases that need the ops team. Four kinds, each with what was seen:
//  - overdue cases nobody has acted on for N days (read model: overdue, last_action_at);
//  - running workflows with an activity that keeps failing (describe: pendingActivities, attempt > 1, or
//    its first attempt on the task queue after its local attempts failed: a local activity is never
//    pending, its failure is a MarkerRecorded event in the history, and the workflow then hands the step
//    to the task queue — workflows/appeal/workflow.ts);
//  - workflow-task failures (describe: pendingWorkflowTask attempt > 1, or the history's last workflow
//    task outcome is WorkflowTaskFailed) — a bug or non-determinism; `ops retry` resets after a fix;
//  - updates accepted but not completed for more than M minutes (history).
// Candidates come from Temporal visibility (running workflows of the platform's task queue), bounded.
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { localActivityOf } from '../../domain/cases/history';

export interface StuckOptions {
  days: number;
  pendingMinutes: number;
  /** At most this many running workflows are inspected. */
  limit: number;
  taskQueue?: string;
}

export interface StuckCase {
  caseId: string;
  kind: 'overdue_without_action' | 'failing_activity' | 'workflow_task_failure' | 'update_pending';
  detail: string;
  since?: string | null;
}

export interface StuckReport {
  items: StuckCase[];
  inspectedWorkflows: number;
  /** The running-workflow scan stopped at `limit`. */
  truncated: boolean;
}

type Long = { toNumber(): number } | number | string | null | undefined;

function num(v: Long): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

function tsMs(t: { seconds?: Long; nanos?: number | null } | null | undefined): number {
  return num(t?.seconds) * 1000 + Math.floor((t?.nanos ?? 0) / 1e6);
}

function failureText(f: any): string {
  const parts: string[] = [];
  for (let x = f, depth = 0; x && depth < 5; x = x.cause, depth++) if (x.message) parts.push(x.message);
  return parts.join(': ') || 'failed';
}

/** Runs `fn` over `items` with at most `width` in flight. */
async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

export async function overdueWithoutAction(db: Db, days: number): Promise<StuckCase[]> {
  const rows = await db('cases')
    .where({ overdue: true })
    .whereNot({ status: 'closed' })
    .whereRaw('coalesce(last_action_at, registered_at) < now() - make_interval(days => ?)', [days])
    .orderBy('answer_due_at')
    .limit(1000)
    .select('id', 'organisation_id', 'answer_due_at', 'last_action_at', 'registered_at');
  return rows.map((r: any) => ({
    caseId: r.id,
    kind: 'overdue_without_action' as const,
    since: new Date(r.last_action_at ?? r.registered_at).toISOString(),
    detail: `overdue since ${new Date(r.answer_due_at).toISOString()} at ${r.organisation_id ?? '?'}; no action since ${new Date(r.last_action_at ?? r.registered_at).toISOString()}`,
  }));
}

/**
 * Local activities whose attempts all failed and that have not completed since, by type: the step is now
 * a task-queue activity (pending), and these are its earlier failures.
 */
function failedLocalActivities(events: any[]): Map<string, { attempts: number; failure: string; at: string }> {
  const failed = new Map<string, { attempts: number; failure: string; at: string }>();
  for (const e of events) {
    const local = localActivityOf(e);
    if (local?.failure) failed.set(local.activityType, { attempts: local.attempt, failure: failureText(local.failure), at: new Date(tsMs(e.eventTime)).toISOString() });
    else if (local) failed.delete(local.activityType);
    const done = e.activityTaskCompletedEventAttributes;
    if (done) failed.clear(); // a queued step went through: earlier local failures are history
  }
  return failed;
}

/** The workflow-level findings of one running workflow. */
export async function inspectWorkflow(client: Client, workflowId: string, pendingMinutes: number): Promise<StuckCase[]> {
  const out: StuckCase[] = [];
  const handle = client.workflow.getHandle(workflowId);
  const d = await handle.describe();
  if (d.status.name !== 'RUNNING') return out;
  const events = ((await handle.fetchHistory()).events ?? []) as any[];
  const localFailures = failedLocalActivities(events);
  for (const p of (d.raw.pendingActivities ?? []) as any[]) {
    const name = p.activityType?.name ?? '?';
    const local = localFailures.get(name);
    if ((p.attempt ?? 1) > 1 || local) {
      const lastFailure = p.lastFailure ? failureText(p.lastFailure) : local?.failure;
      out.push({
        caseId: workflowId, kind: 'failing_activity',
        since: local?.at ?? (p.lastStartedTime ? new Date(tsMs(p.lastStartedTime)).toISOString() : null),
        detail: `activity ${name} at attempt ${p.attempt ?? 1}${lastFailure ? `: ${lastFailure}` : ''}${local ? ` (after ${local.attempts} local attempts)` : ''}`,
      });
    }
  }
  const wft = d.raw.pendingWorkflowTask as { attempt?: number } | null | undefined;
  let lastOutcome: any;
  const accepted = new Map<string, { name: string; at: number }>();
  for (const e of events) {
    if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes) lastOutcome = e;
    const a = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (a?.acceptedRequest?.meta?.updateId) accepted.set(a.acceptedRequest.meta.updateId, { name: a.acceptedRequest.input?.name ?? '?', at: tsMs(e.eventTime) });
    const c = e.workflowExecutionUpdateCompletedEventAttributes;
    if (c?.meta?.updateId) accepted.delete(c.meta.updateId);
  }
  const failed = lastOutcome?.workflowTaskFailedEventAttributes;
  if (failed || (wft && (wft.attempt ?? 1) > 1)) {
    out.push({
      caseId: workflowId, kind: 'workflow_task_failure',
      since: lastOutcome && failed ? new Date(tsMs(lastOutcome.eventTime)).toISOString() : null,
      detail: `workflow task failing${wft?.attempt ? ` (attempt ${wft.attempt})` : ''}${failed ? `: ${failureText(failed.failure)}` : ''}`,
    });
  }
  const cutoff = Date.now() - pendingMinutes * 60_000;
  for (const [id, u] of accepted) {
    if (u.at < cutoff) {
      out.push({ caseId: workflowId, kind: 'update_pending', since: new Date(u.at).toISOString(), detail: `update ${u.name} (${id}) accepted ${new Date(u.at).toISOString()}, not completed` });
    }
  }
  return out;
}

export async function findStuck(db: Db, client: Client, o: StuckOptions): Promise<StuckReport> {
  const items = await overdueWithoutAction(db, o.days);
  const query = [`ExecutionStatus = 'Running'`, ...(o.taskQueue ? [`TaskQueue = '${o.taskQueue.replace(/'/g, '')}'`] : [])].join(' AND ');
  const ids: string[] = [];
  let truncated = false;
  for await (const w of client.workflow.list({ query })) {
    if (ids.length >= o.limit) {
      truncated = true;
      break;
    }
    ids.push(w.workflowId);
  }
  const found: StuckCase[][] = [];
  await eachLimited(ids, 8, async (id) => {
    try {
      found.push(await inspectWorkflow(client, id, o.pendingMinutes));
    } catch (e) {
      // It finished or vanished between the listing and the look: nothing stuck there.
      if ((e as Error).name !== 'WorkflowNotFoundError') throw e;
    }
  });
  for (const f of found) items.push(...f);
  const order = ['workflow_task_failure', 'failing_activity', 'update_pending', 'overdue_without_action'];
  items.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.caseId.localeCompare(b.caseId));
  return { items, inspectedWorkflows: ids.length, truncated };
}

export function stuckText(r: StuckReport, o: StuckOptions): string {
  const head = `Stuck: ${r.items.length} finding(s); ${r.inspectedWorkflows} running workflow(s) inspected${r.truncated ? ` (stopped at --limit ${o.limit})` : ''}; overdue cases idle for ${o.days}+ day(s); updates pending ${o.pendingMinutes}+ min.`;
  if (r.items.length === 0) return `${head}\nNothing is stuck.`;
  const width = Math.max(...r.items.map((i) => i.caseId.length));
  return [head, ...r.items.map((i) => `${i.caseId.padEnd(width)}  ${i.kind.padEnd(22)}  ${i.detail}`)].join('\n');
}
