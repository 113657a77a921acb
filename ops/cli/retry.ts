// `ops retry <caseId>`: retries what failed for a case, and says what it did.
//  - A workflow whose workflow task fails (after the bug is fixed and the workers are redeployed): reset
//    to the last completed workflow task, so the task runs again on the new code. Signals and updates
//    after that point are re-applied by the server.
//  - Notifications of the case that failed for good (status failed): back to pending for the dispatcher.
//  - Failed webhook deliveries: replayed through the API (POST …/deliveries/{id}/replay), which knows
//    the subscription's state; the commands are printed.
// Activities that fail are retried by Temporal on their own (the appeal workflow retries forever): there
// is nothing to restart; `ops stuck` and `ops timeline` show why they fail.
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/connection';
import { recordAudit } from '../../domain/audit';

export interface RetryResult {
  caseId: string;
  /** The run that was reset and the new run it started, when there was a workflow-task failure. */
  reset: { fromRunId: string; toEventId: number; newRunId: string } | null;
  /** Why there was no reset (nothing failing, the workflow is not running, no completed task yet). */
  resetNote: string;
  failingActivities: { activity: string; attempt: number; lastFailure: string | null }[];
  notificationsRequeued: number;
  webhookDeliveriesToReplay: { subscriptionId: number; deliveryId: number; replay: string }[];
}

type LongLike = { toNumber(): number } | number | string | null | undefined;
function num(v: LongLike): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v);
  return v.toNumber();
}

export async function retryCase(db: Db, client: Client, namespace: string, caseId: string, opts: { reason?: string; asUserId?: number } = {}): Promise<RetryResult> {
  const result: RetryResult = { caseId, reset: null, resetNote: '', failingActivities: [], notificationsRequeued: 0, webhookDeliveriesToReplay: [] };
  const handle = client.workflow.getHandle(caseId);
  const d = await handle.describe();
  if (d.status.name !== 'RUNNING') {
    result.resetNote = `the workflow is ${d.status.name.toLowerCase()}: nothing to reset`;
  } else {
    for (const p of (d.raw.pendingActivities ?? []) as any[]) {
      if ((p.attempt ?? 1) > 1) result.failingActivities.push({ activity: p.activityType?.name ?? '?', attempt: p.attempt, lastFailure: p.lastFailure?.message ?? null });
    }
    const events = ((await client.workflow.getHandle(caseId, d.runId).fetchHistory()).events ?? []) as any[];
    let lastOutcome: any;
    let lastCompleted: number | undefined;
    for (const e of events) {
      if (e.workflowTaskCompletedEventAttributes) lastCompleted = num(e.eventId);
      if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes) lastOutcome = e;
    }
    const wftAttempt = (d.raw.pendingWorkflowTask as { attempt?: number } | null | undefined)?.attempt ?? 1;
    const failing = Boolean(lastOutcome?.workflowTaskFailedEventAttributes) || wftAttempt > 1;
    if (!failing) {
      result.resetNote = 'no workflow-task failure: nothing to reset';
    } else if (lastCompleted === undefined) {
      result.resetNote = 'the first workflow task never completed: there is no point to reset to (terminate and resubmit instead)';
    } else {
      const reason = opts.reason ?? `ops retry: workflow task failure of ${caseId}`;
      const response = (await client.workflowService.resetWorkflowExecution({
        namespace,
        workflowExecution: { workflowId: caseId, runId: d.runId },
        reason,
        // int64 in the proto: protobufjs encodes a plain number (the typings ask for a Long).
        workflowTaskFinishEventId: lastCompleted as never,
        requestId: randomUUID(),
      })) as { runId?: string | null };
      result.reset = { fromRunId: d.runId, toEventId: lastCompleted, newRunId: response.runId ?? '' };
      result.resetNote = `reset to workflow task completed at event ${lastCompleted}`;
    }
  }

  result.notificationsRequeued = await db('notifications')
    .where({ case_id: caseId, status: 'failed' })
    .update({ status: 'pending', attempts: 0 });

  const hasDeliveries = (await db.raw(`select to_regclass('webhook_deliveries') is not null as present`)).rows[0]?.present;
  if (hasDeliveries) {
    const failed = await db('webhook_deliveries').where({ case_id: caseId, status: 'failed' }).orderBy('id').select('id', 'subscription_id');
    result.webhookDeliveriesToReplay = failed.map((f: any) => ({
      subscriptionId: Number(f.subscription_id), deliveryId: Number(f.id),
      replay: `POST /webhooks/subscriptions/${f.subscription_id}/deliveries/${f.id}/replay`,
    }));
  }

  if (result.reset || result.notificationsRequeued > 0) {
    await recordAudit(db, {
      actor: { userId: opts.asUserId ?? null, role: opts.asUserId ? 'administrator' : 'system' },
      action: 'ops.retry',
      operation: 'ops retry',
      channel: 'cli',
      caseId,
      regionId: (await db('cases').where({ id: caseId }).first('region_id'))?.region_id ?? null,
      after: { reset: result.reset, notificationsRequeued: result.notificationsRequeued },
      details: { summary: 'Retried the failed steps of a case.', reason: opts.reason ?? null },
    });
  }
  return result;
}

export function retryText(r: RetryResult): string {
  const lines = [`Retry ${r.caseId}:`];
  lines.push(r.reset ? `  workflow reset: run ${r.reset.fromRunId} → new run ${r.reset.newRunId} (${r.resetNote})` : `  workflow: ${r.resetNote}`);
  for (const a of r.failingActivities) {
    lines.push(`  activity ${a.activity} is being retried by Temporal (attempt ${a.attempt}${a.lastFailure ? `, last failure: ${a.lastFailure}` : ''}); fix the cause, it retries on its own`);
  }
  lines.push(`  notifications: ${r.notificationsRequeued} failed notification(s) back to pending`);
  if (r.webhookDeliveriesToReplay.length === 0) lines.push('  webhook deliveries: none failed');
  else {
    lines.push(`  webhook deliveries: ${r.webhookDeliveriesToReplay.length} failed; replay them through the API (an administrator's or the subscriber's token):`);
    for (const w of r.webhookDeliveriesToReplay) lines.push(`    ${w.replay}`);
  }
  return lines.join('\n');
}
