// The webhook fan-out: turns new case events into webhook deliveries and starts a delivery workflow
// for each. It reads case_events after its cursor in id order, up to the settled id (below which every
// event has committed or never will: domain/cases/event-order.ts), records one delivery per matching
// subscription and advances the cursor in one transaction, so a crash repeats nothing and skips nothing;
// the unique (subscription, event) key makes a repeat a no-op.
// Starting workflows comes after the commit: deliveries still 'pending' without a workflow (a crash in
// between, a replay, a resume) are started on every pass, and a duplicate start is a no-op.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Knex } from 'knex';
import type { Db } from '../db/connection';
import { settledCaseEventId } from '../domain/cases/event-order';
import { DEFAULT_WEBHOOK_POLICY, type WebhookDeliveryPolicy } from '../domain/integration/webhook-policy';
import { publicCaseEventType } from '../workflows/appeal/events';
import { WEBHOOK_DELIVERY_WORKFLOW_TYPE, webhookDeliveryWorkflowId, type WebhookDeliveryInput } from '../workflows/webhook/messages';

export interface WebhookFanoutOptions {
  db: Db;
  temporal: Client;
  taskQueue: string;
  policy?: WebhookDeliveryPolicy;
  /** Pause between passes when there is nothing to do (default 1 s). */
  intervalMs?: number;
  /** Case events read per transaction (default 500). */
  batch?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

interface SubscriptionTarget {
  id: string;
  organisation_id: string;
  event_types: string[];
  status: 'active' | 'paused';
  starts_after_event_id: string;
}

/** The organisation and every organisation above it (a subscription of a parent receives its subtree's events). */
function ancestorsOf(organisationId: string | null | undefined, parents: Map<string, string | null>): string[] {
  const out: string[] = [];
  for (let id = organisationId ?? null; id && !out.includes(id); id = parents.get(id) ?? null) out.push(id);
  return out;
}

/** One transaction: the next case events after the cursor → deliveries; returns how many of each. */
export async function recordWebhookDeliveries(db: Db, batch = 500): Promise<{ events: number; deliveries: number }> {
  // Learnt before the transaction: the reader's lock must not be held while the deliveries are written.
  const settled = await settledCaseEventId(db);
  return db.transaction(async (trx: Knex.Transaction) => {
    await trx('webhook_fanout_cursor').insert({ id: 1, last_case_event_id: 0 }).onConflict('id').ignore();
    // The row lock serialises fan-outs (several workers may run one): each event is read by one of them.
    const cursor = await trx('webhook_fanout_cursor').where({ id: 1 }).forUpdate().first('last_case_event_id');
    const after = String(cursor.last_case_event_id);
    const events = await trx('case_events').where('id', '>', after).where('id', '<=', settled).orderBy('id').limit(batch).select('*');
    if (events.length === 0) return { events: 0, deliveries: 0 };

    const subscriptions = (await trx('webhook_subscriptions')
      .select('id', 'organisation_id', 'event_types', 'status', 'starts_after_event_id')) as SubscriptionTarget[];
    const rows: Record<string, unknown>[] = [];
    if (subscriptions.length > 0) {
      const parents = new Map<string, string | null>(
        (await trx('organisations').select('id', 'parent_id')).map((o: { id: string; parent_id: string | null }) => [o.id, o.parent_id]),
      );
      for (const e of events) {
        const type = publicCaseEventType(e.type);
        if (!type) continue;
        // A hand-over also goes to the organisation the case left.
        const from = e.from_organisation_id ?? (typeof e.details?.from === 'string' ? e.details.from : null);
        const reached = new Set([...ancestorsOf(e.organisation_id, parents), ...ancestorsOf(from, parents)]);
        for (const s of subscriptions) {
          if (!reached.has(s.organisation_id)) continue;
          if (s.event_types.length > 0 && !s.event_types.includes(type)) continue;
          if (BigInt(e.id) <= BigInt(s.starts_after_event_id)) continue;
          rows.push({
            subscription_id: s.id, case_event_id: e.id, event_type: type, case_id: e.case_id,
            // A paused subscription keeps its events, held until it is resumed.
            status: s.status === 'paused' ? 'held' : 'pending',
          });
        }
      }
    }
    let inserted = 0;
    for (let i = 0; i < rows.length; i += 500) {
      const r = await trx('webhook_deliveries').insert(rows.slice(i, i + 500))
        .onConflict(['subscription_id', 'case_event_id']).ignore().returning('id');
      inserted += r.length;
    }
    await trx('webhook_fanout_cursor').where({ id: 1 }).update({ last_case_event_id: events[events.length - 1].id, updated_at: trx.fn.now() });
    return { events: events.length, deliveries: inserted };
  });
}

export function deliveryInput(deliveryId: string, run: number, policy: WebhookDeliveryPolicy): WebhookDeliveryInput {
  return {
    deliveryId,
    run,
    retry: { initialIntervalMs: policy.initialIntervalMs, maximumIntervalMs: policy.maximumIntervalMs, maximumAttempts: policy.maximumAttempts },
    pauseAfterMs: policy.pauseAfterMs,
    timeoutMs: policy.timeoutMs,
  };
}

/** Starts the workflow of every delivery run that is pending without one; returns how many it started. */
export async function startPendingDeliveries(db: Db, temporal: Client, taskQueue: string, policy: WebhookDeliveryPolicy, limit = 200): Promise<number> {
  const pending = await db('webhook_deliveries').where({ status: 'pending' }).whereNull('workflow_id').orderBy('id').limit(limit).select('id', 'run');
  let started = 0;
  for (const d of pending) {
    const workflowId = webhookDeliveryWorkflowId(d.id, d.run);
    try {
      await temporal.workflow.start(WEBHOOK_DELIVERY_WORKFLOW_TYPE, {
        workflowId,
        taskQueue,
        args: [deliveryInput(String(d.id), d.run, policy)],
        // A run's id is never reused: a start after a crash finds the run (running or done) and does nothing.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
      started++;
    } catch (e) {
      if (!(e instanceof WorkflowExecutionAlreadyStartedError)) throw e;
    }
    await db('webhook_deliveries').where({ id: d.id, run: d.run }).whereNull('workflow_id').update({ workflow_id: workflowId });
  }
  return started;
}

/** One full pass: record deliveries for every new event, then start what is pending. */
export async function runWebhookFanoutOnce(opts: WebhookFanoutOptions): Promise<{ events: number; deliveries: number; started: number }> {
  const batch = opts.batch ?? 500;
  let events = 0;
  let deliveries = 0;
  for (;;) {
    const r = await recordWebhookDeliveries(opts.db, batch);
    events += r.events;
    deliveries += r.deliveries;
    if (r.events < batch) break;
  }
  const started = await startPendingDeliveries(opts.db, opts.temporal, opts.taskQueue, opts.policy ?? DEFAULT_WEBHOOK_POLICY);
  return { events, deliveries, started };
}

/** Runs the fan-out until stopped. */
export function startWebhookFanout(opts: WebhookFanoutOptions): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? 1000;
  const log = opts.log ?? ((level, message, fields) => console.error(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...fields })));
  let stopped = false;
  let wake: (() => void) | undefined;
  const loop = async () => {
    while (!stopped) {
      let busy = false;
      try {
        const r = await runWebhookFanoutOnce(opts);
        busy = r.started > 0 && !stopped;
      } catch (e) {
        log('error', 'webhook fan-out failed', { error: e instanceof Error ? e.message : String(e) });
      }
      if (busy) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, intervalMs);
      });
    }
  };
  const running = loop();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
